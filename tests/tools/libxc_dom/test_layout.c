int run_layout_tests(void); int run_layout_tests(void) { return 0; }
