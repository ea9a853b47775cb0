#!/bin/sh
# Grows the partition holding the file system mounted at $1 to the end of its disk, then the ext4
# file system inside it (online). Run once by till-grow-data.service; marks success with $1/.grown.
# Installed as /usr/libexec/till/till-grow-data. Shell built-ins, sfdisk, partx and resize2fs only:
# the image has no coreutils.
set -eu
mnt=${1:?usage: till-grow-data MOUNTPOINT}
majmin=
while read -r _ _ mm _ point _; do
    [ "$point" = "$mnt" ] && majmin=$mm
done </proc/self/mountinfo
[ -n "$majmin" ] || { echo "till-grow-data: nothing mounted at $mnt"; exit 1; }
cd -P "/sys/dev/block/$majmin"
[ -r partition ] || { echo "till-grow-data: $mnt is not on a partition"; exit 1; }
part=/dev/${PWD##*/}
read -r n <partition
read -r start <start
read -r size <size
cd -P ..
disk=/dev/${PWD##*/}
read -r total <size
# MBR keeps no backup table at the disk's end; stay on a 1 MiB boundary.
end=$(((total / 2048) * 2048))
if [ $((start + size)) -lt "$end" ]; then
    echo "till-grow-data: $part: $size -> $((end - start)) sectors"
    # The disk is in use: no re-read of the whole table; partx tells the kernel this partition's
    # new size (BLKPG), which sfdisk may already have done.
    echo ",$((end - start))" | sfdisk --no-reread -q -N "$n" "$disk"
    partx -u -n "$n" "$disk"
fi
resize2fs "$part"
: >"$mnt/.grown"
