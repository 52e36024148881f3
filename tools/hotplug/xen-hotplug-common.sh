# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shared by the hotplug scripts (sourced).  The environment is the
# uevent's: XENBUS_PATH (made absolute by xen-hotplug), XENBUS_TYPE,
# ACTION, and for vifs `vif' and `script'.

export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
HOTPLUG_STATE=/var/run/xen-hotplug

log()
{
    echo "$(date '+%Y-%m-%d %H:%M:%S') ${0##*/}[$$]: $*"
}

xsread()
{
    xenstore-read "$XENBUS_PATH/$1" 2>/dev/null
}

xswrite()
{
    xenstore-write "$XENBUS_PATH/$1" "$2"
}

# The device failed: say why where xend looks (hotplug-error, then
# hotplug-status error), in the log too, and stop.
fatal()
{
    log "error: $XENBUS_PATH: $*"
    xenstore-write "$XENBUS_PATH/hotplug-error" "$*" \
        "$XENBUS_PATH/hotplug-status" error
    exit 1
}

success()
{
    xswrite hotplug-status connected
    log "$XENBUS_PATH: connected"
}

# A file name for per-device state: backend/vbd/1/51712 -> vbd-1-51712.
state_file()
{
    echo "$HOTPLUG_STATE/$(echo "${XENBUS_PATH#/local/domain/0/backend/}" |
        tr / -)"
}
