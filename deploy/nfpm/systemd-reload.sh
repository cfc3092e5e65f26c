#!/bin/sh
# After arcdiag.service is installed, changed or removed: let a running
# systemd see it (nothing to do in a container or a chroot without systemd).
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null 2>&1 || true
fi
exit 0
