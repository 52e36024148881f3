# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shared by the hotplug scripts (sourced).  The environment is the
# uevent's: XENBUS_PATH (made absolute by xen-hotplug), XENBUS_TYPE,
# ACTION, and for vifs `vif' and `script'; HOTPLUG_DATE, the event's time
# stamp for the log, from xen-hotplug.
#
# Every process costs dom0 a fork and an exec of busybox while xend waits
# for the device (one `date' or `xenstore-read' is several milliseconds
# of dom0 time), so the scripts read and write their back-end's nodes in
# one xenstore-* call each way and use shell builtins where they can.

export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
HOTPLUG_STATE=/var/run/xen-hotplug

log()
{
    echo "${HOTPLUG_DATE:-$(date '+%Y-%m-%d %H:%M:%S')} ${0##*/}[$$]: $*"
}

xsread()
{
    xenstore-read "$XENBUS_PATH/$1" 2>/dev/null
}

xswrite()
{
    xenstore-write "$XENBUS_PATH/$1" "$2"
}

# xsload NAME...: the back-end's nodes NAME... into the shell variables of
# the same names (empty for a node that does not exist), from one
# `xenstore-ls -f' of the back-end directory rather than a xenstore-read
# each.  A value xenstore-ls printed escaped (a backslash) is read again
# by itself, so the variables hold what xenstore-read would give.
xsload()
{
    _xs_ls=$(xenstore-ls -f "$XENBUS_PATH" 2>/dev/null)
    for _xs_n in "$@"; do
        eval "$_xs_n="
    done
    while IFS= read -r _xs_l; do
        _xs_k=${_xs_l%% = \"*}
        _xs_k=${_xs_k#"$XENBUS_PATH"/}
        for _xs_n in "$@"; do
            [ "$_xs_k" = "$_xs_n" ] || continue
            _xs_v=${_xs_l#* = \"}
            _xs_v=${_xs_v%\"}
            case "$_xs_v" in
            *\\*) _xs_v=$(xsread "$_xs_n") ;;
            esac
            eval "$_xs_n=\$_xs_v"
        done
    done <<XSLS
$_xs_ls
XSLS
}

# The device failed: say why where xend looks (hotplug-error, then
# hotplug-status error), in the log too, and stop.
fatal()
{
    # A lock this script holds goes with it.
    [ -z "${_lk_held:-}" ] || rm -rf "$_lk_held"
    log "error: $XENBUS_PATH: $*"
    xenstore-write "$XENBUS_PATH/hotplug-error" "$*" \
        "$XENBUS_PATH/hotplug-status" error
    exit 1
}

# success [NODE VALUE]...: the script's own nodes (physical-device...) and
# hotplug-status connected in one xenstore-write (one transaction: xend
# and the back-end driver see them together).
success()
{
    _xs_n=$(($# / 2))
    while [ "$_xs_n" -gt 0 ]; do
        set -- "$@" "$XENBUS_PATH/$1" "$2"
        shift 2
        _xs_n=$((_xs_n - 1))
    done
    xenstore-write "$@" "$XENBUS_PATH/hotplug-status" connected
    log "$XENBUS_PATH: connected"
}

# $state_file: a file name for per-device state (backend/vbd/1/51712 ->
# vbd-1-51712).
state_file()
{
    _xs_s=${XENBUS_PATH#/local/domain/0/backend/}
    state_file=$HOTPLUG_STATE/${_xs_s//\//-}
}

# claim_lock NAME / release_lock NAME: one holder at a time (Xen's
# locking.sh), for steps that must not overlap between devices whose
# scripts xen-hotplug runs side by side (block: finding a free loop
# device and attaching it).  mkdir is atomic; a lock whose holder is gone
# (its pid no longer runs) is taken over.  Bounded: 30 s, then the
# device fails saying so.
claim_lock()
{
    _lk=$HOTPLUG_STATE/lock-$1
    _lk_n=0
    until mkdir "$_lk" 2>/dev/null; do
        if read -r _lk_p <"$_lk/pid" 2>/dev/null &&
           ! kill -0 "$_lk_p" 2>/dev/null; then
            rm -rf "$_lk"
            continue
        fi
        _lk_n=$((_lk_n + 1))
        [ "$_lk_n" -lt 3000 ] ||
            fatal "the $1 lock ($_lk) was held for 30 s (by pid" \
                "${_lk_p:-?}): remove it if no hotplug script runs."
        sleep 0.01
    done
    echo $$ >"$_lk/pid"
    _lk_held=$_lk
}

release_lock()
{
    rm -rf "$HOTPLUG_STATE/lock-$1"
    _lk_held=
}
