# Builds the code interpreter's world and runs the interpreter in it. Started by run-sandboxed.ts as
#   unshare --user --map-root-user --net --pid --fork --mount --kill-child=SIGKILL sh enter-sandbox.sh DISK N DIR... -- LIMITS... -- CMD...
# so it already has its own network (loopback only, down), its own process ids (it is pid 1: nothing outside is
# visible, so nothing outside can be signalled) and its own mounts. Here it makes the root a fresh size-capped tmpfs
# holding read-only views of the system's programs and libraries and of the interpreter's own folder, a scratch
# folder, and four device files; the old root is then detached, so the host's files (the checkout, $HOME, /proc of
# the engine) are not reachable by any path. Everything runs as the namespace's root, whose capabilities are dropped
# before the program starts. The tmpfs lives only as long as the namespace: no scratch folder is left behind.
set -eu
disk=$1
count=$2
shift 2

mount -t tmpfs -o "size=1m,nr_inodes=256,mode=755,nosuid,nodev" ateams-sandbox /tmp
cd /tmp

# mount's "remount,bind,ro" drops flags the parent mount may have locked; asking for nosuid,nodev keeps them.
ro_bind() {
  mount --bind "$1" "$2"
  mount -o remount,bind,ro,nosuid,nodev "$2"
}

for d in usr bin sbin lib lib32 lib64 libx32; do
  if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$d" # merged /usr: /bin -> usr/bin
  elif [ -d "/$d" ]; then mkdir "$d" && ro_bind "/$d" "$d"; fi
done
while [ "$count" -gt 0 ]; do
  mkdir -p ".$1"
  ro_bind "$1" ".$1"
  shift
  count=$((count - 1))
done

mkdir -p dev etc scratch .old proc
for f in null zero random urandom; do
  touch "dev/$f"
  mount --bind "/dev/$f" "dev/$f"
done
if [ -f /etc/ld.so.cache ]; then touch etc/ld.so.cache && ro_bind /etc/ld.so.cache etc/ld.so.cache; fi
mount -o remount,bind,ro,nosuid,nodev /tmp
mount -t tmpfs -o "size=$disk,nr_inodes=4096,mode=755,nosuid,nodev" ateams-scratch scratch

# umount reads /proc/self/mountinfo: a /proc of this namespace is there while the old root goes, then goes too.
mount -t proc proc proc
pivot_root . .old
umount -l /.old
umount -l /proc
cd /scratch

# The limits, then the command: "LIMITS... -- CMD...".
exec setpriv --no-new-privs --inh-caps=-all --bounding-set=-all -- prlimit "$@"
