// The shell side of the sandbox (host bash, inside the episode's user + mount namespace, as the
// namespace's root, which is an unprivileged uid on the host). Kept apart from sandbox.ts so each reads whole.

/** Capabilities the agent's root keeps: Docker's default set (no SYS_ADMIN, no NET_ADMIN, no SYS_PTRACE…). */
export const agentCapabilities = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETFCAP",
  "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT",
  "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

/** The only variables any process in the sandbox starts with (what AgentBench's container has). */
export const sandboxEnvironment: Record<string, string> = {
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  HOME: "/root",
  USER: "root",
  TERM: "dumb",
  LANG: "C.UTF-8",
};

/**
 * Judges look up commands in the image's own directories first, so a `timeout` or `python3` the agent
 * put in /usr/local/bin is never what a check script runs.
 */
export const judgeEnvironment: Record<string, string> = {
  ...sandboxEnvironment,
  PATH: "/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/sbin:/usr/local/bin",
};

/** What a judge's view restores from the image when the agent changed it: programs, libraries, the loader's config. */
const protectedPaths =
  "usr/bin usr/sbin usr/lib usr/lib32 usr/lib64 usr/libx32 usr/libexec bin sbin lib lib32 lib64 libx32 etc/alternatives etc/ld.so.cache etc/ld.so.conf etc/ld.so.conf.d etc/ld.so.preload";

const envArgs = (env: Record<string, string>) =>
  Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");

/**
 * $1 base dir (a sized tmpfs is mounted on it), $2 control dir (job files, read-only inside as
 * /run/agenttune), $3 image rootfs or "" for the host view, $4 disk MiB, $5 the judge script. Waits for "go" on fd 3 (the
 * parent puts it into its cgroup first), builds the view, starts the agent's shell in bubblewrap, then
 * serves jobs: "<id> agent" runs /run/agenttune/<id>.run in the agent's own view (init scripts),
 * "<id> judge" in the trusted judge view (see judgeScript). Results go to fd 4.
 */
export const setupScript = String.raw`set -u
D=$1 CTL=$2 IMG=$3 DISK=$4 JUDGE=$5
read -r go <&3 || exit 1
mount -t tmpfs -o "size=$DISK"m,mode=755 tmpfs "$D" || exit 1
mkdir -p "$D/u" "$D/w" "$D/m" "$D/j" && mkdir -m 1777 "$D/shm" || exit 1
if [ -n "$IMG" ]; then
  mount -t overlay overlay -o "lowerdir=$IMG,upperdir=$D/u,workdir=$D/w,userxattr" "$D/m" || exit 1
  view=(--bind "$D/m" /)
else
  # the host view: the host's system dirs read-only (their files belong to the host's root, which is
  # nobody here), fresh writable dirs for the rest, all on the sized tmpfs
  mkdir -p "$D/m/top" "$D/m/home" && mkdir -m 700 "$D/m/root" && mkdir -m 1777 "$D/m/tmp" "$D/m/vartmp"
  view=(--bind "$D/m/top" /)
  for d in usr etc var opt srv; do [ -d "/$d" ] && view+=(--ro-bind "/$d" "/$d"); done
  for l in bin sbin lib lib32 lib64 libx32; do
    if [ -L "/$l" ]; then view+=(--symlink "$(readlink "/$l")" "/$l"); elif [ -d "/$l" ]; then view+=(--ro-bind "/$l" "/$l"); fi
  done
  view+=(--bind "$D/m/root" /root --bind "$D/m/home" /home --bind "$D/m/tmp" /tmp --bind "$D/m/vartmp" /var/tmp)
fi
caps=()
for c in ${agentCapabilities.join(" ")}; do caps+=(--cap-add "$c"); done
mkfifo "$D/info"
exec 5<&0
# Inside, what a container started with \`docker run -t IMAGE bash\` and entered with \`docker exec -it
# bash --login\` holds: PID 1 an idle bash, the agent's shell its child, nothing else (process-counting
# tasks count them). So the pty comes from a script(1) run here, outside the sandbox, and the sandbox
# keeps that session (bwrap without --new-session: the pty is the sandbox's own, nothing outside reads
# its input). setpriv: script dies with this shell, and bwrap (--die-with-parent) with script.
# A background job of a script starts with SIGINT and SIGQUIT ignored: env gives the agent's Ctrl-C back.
# /proc/tty/driver belongs to the host's root: an empty read-only dir, so find over / is as quiet as in Docker
start=(env --default-signal=INT,QUIT bwrap --as-pid-1 --unshare-pid --unshare-net --unshare-ipc --unshare-uts --unshare-cgroup-try --die-with-parent \
  "${"$"}{view[@]}" --proc /proc --tmpfs /proc/tty/driver --remount-ro /proc/tty/driver --dev /dev --bind "$D/shm" /dev/shm --remount-ro /dev \
  --ro-bind "$CTL" /run/agenttune --hostname sandbox --chdir /root --cap-drop ALL "${"$"}{caps[@]}" \
  --clearenv ${Object.entries(sandboxEnvironment)
    .map(([k, v]) => `--setenv ${k} ${v}`)
    .join(" ")} --info-fd 6 \
  /bin/bash --noprofile --norc -c 'bash --noprofile --norc --noediting; exit $?')
{ printf 'exec 6>%q\nexec ' "$D/info"; printf '%q ' "${"$"}{start[@]}"; printf '\n'; } >"$D/start.sh"
SHELL=/bin/bash setpriv --pdeathsig KILL script -qfc "bash $D/start.sh" /dev/null <&5 3<&- 4>&- 5<&- &
# from here on only script holds stdout: its end tells the parent that the agent's shell is gone
exec 5<&- 1>/dev/null
A=$(sed -n 's/.*"child-pid": *\([0-9]*\).*/\1/p' <"$D/info")
[ -n "$A" ] || exit 1
# the agent's processes, by host pid: every descendant of the namespace's PID 1 (orphans are reparented
# to it) but PID 1 itself. Builtins only: no process per host process.
agent_signal() {
  local queue=("$A") more=() pid k v inner kids
  while [ ${"$"}{#queue[@]} -gt 0 ]; do
    pid=${"$"}{queue[0]}
    queue=("${"$"}{queue[@]:1}")
    for kids in /proc/"$pid"/task/*/children; do
      [ -r "$kids" ] || continue
      more=()
      read -r -a more <"$kids" 2>/dev/null # no newline at the end: read "fails" yet fills more
      queue+=("${"$"}{more[@]}")
    done
    inner=
    while read -r k v; do [ "$k" = NSpid: ] && inner=${"$"}{v##*[[:space:]]}; done <"/proc/$pid/status" 2>/dev/null
    [ -n "$inner" ] && [ "$inner" -gt 1 ] && kill "-$1" "$pid" 2>/dev/null
  done
}
# Whether the agent changed anything a judge's trusted view restores from the image (see judgeScript):
# an entry in the overlay's upper dir (a file, a whiteout, a replaced dir) under a program or library
# dir or a loader file, or one of those the image has that the agent's view lacks
system_touched() {
  local p
  for p in ${protectedPaths}; do
    if [ -e "$D/u/$p" ] || [ -L "$D/u/$p" ]; then return 0; fi
    # hidden by a parent replaced whole (an opaque /usr or /etc)
    if { [ -e "$IMG/$p" ] || [ -L "$IMG/$p" ]; } && ! { [ -e "/proc/$A/root/$p" ] || [ -L "/proc/$A/root/$p" ]; }; then return 0; fi
  done
  return 1
}
# Each job runs as one process in the sandbox, as \`docker exec\` runs AgentBench's scripts: its time
# limit is kept from out here (timeout signals its whole process group, which crosses into the sandbox),
# and it is done when that process ends: its output goes to a file, so background processes it leaves
# (an init's \`sleep 60 &\`) keep running without holding the job open
while read -r id mode secs <&3; do
  log="$D/$id.out"
  case "$mode" in
    judge)
      agent_signal STOP; agent_signal STOP
      if [ -n "$IMG" ] && system_touched; then
        nsenter -t "$A" -p -n -i -u -- /bin/bash -c "$JUDGE" judge "$D" "$IMG" "$CTL" setup </dev/null >/dev/null 2>&1
        timeout -k 5 "$secs" nsenter -t "$A" -p -n -i -u -- chroot "$D/j/m" /usr/bin/env -i ${envArgs(judgeEnvironment)} /bin/bash --noprofile --norc "/run/agenttune/$id.run" </dev/null >"$log" 2>&1
        rc=$?
        nsenter -t "$A" -p -n -i -u -- /bin/bash -c "$JUDGE" judge "$D" "$IMG" "$CTL" cleanup </dev/null >/dev/null 2>&1
      else
        # the host view, or an image view in which nothing the trusted view restores was changed:
        # the agent's own view is then that view
        timeout -k 5 "$secs" nsenter -t "$A" -m -p -n -i -u -r -w -- /usr/bin/env -i ${envArgs(judgeEnvironment)} /bin/bash --noprofile --norc "/run/agenttune/$id.run" </dev/null >"$log" 2>&1
        rc=$?
      fi
      agent_signal CONT ;;
    *)
      timeout -k 5 "$secs" nsenter -t "$A" -m -p -n -i -u -r -w -- /usr/bin/env -i ${envArgs(sandboxEnvironment)} /bin/bash --noprofile --norc "/run/agenttune/$id.run" </dev/null >"$log" 2>&1
      rc=$? ;;
  esac
  printf '%s\036%s\036%s\n' "$id" "$(base64 -w0 <"$log")" "$rc" >&4
  rm -f "$log"
done
`;

/**
 * A check script's trusted view, built per job from the host's own tools while every agent process
 * is stopped: a fresh overlay of the agent's changes over the image in which each file of the image's
 * program and library dirs (and the loader's config in /etc) that the agent changed, replaced or
 * deleted is the image's again; files the agent added stay, so a check still sees its work. Runs in
 * the agent's pid/net/ipc/uts namespaces (so its /proc shows the agent's processes, which the control
 * loop has stopped), in the episode's mount namespace. $4 is "setup" (build the view under $1/j/m,
 * where the control loop then chroots the check) or "cleanup" (take it down).
 */
export const judgeScript = `set -u
D=$1 IMG=$2 CTL=$3 step=$4 J="$1/j"
if [ "$step" = cleanup ]; then
  umount -R "$J/m" 2>/dev/null
  rm -rf "$J/u" "$J/w" "$J/m" 2>/dev/null
  exit 0
fi
protected=" ${protectedPaths} "
wanted() {
  case "$protected" in *" $1 "*) return 0 ;; esac
  case "$1" in usr | etc) return 0 ;; esac
  local p
  for p in $protected; do case "$1" in "$p"/*) return 0 ;; esac; done
  return 1
}
restore() {
  local r=$1 up="$D/u/$1" img="$IMG/$1" view="$J/m/$1" e
  if [ -d "$img" ] && [ ! -L "$img" ]; then
    if [ -d "$up" ] && [ ! -L "$up" ]; then
      for e in "$up"/* "$up"/.[!.]* "$up"/..?*; do
        [ -e "$e" ] || [ -L "$e" ] || continue
        wanted "$r/${"$"}{e##*/}" && restore "$r/${"$"}{e##*/}"
      done
    else
      rm -rf -- "$view" && mkdir -p -- "$view" && mount --bind "$img" "$view" && mount -o remount,bind,ro "$view"
    fi
  elif [ -e "$img" ] || [ -L "$img" ]; then
    rm -rf -- "$view" && cp -a -- "$img" "$view"
  elif [ "$r" = etc/ld.so.preload ]; then
    rm -f -- "$view"
  fi
}
{
  mkdir -p "$J/u" "$J/w" "$J/m"
  mount -t overlay overlay -o "lowerdir=$D/u:$IMG,upperdir=$J/u,workdir=$J/w,userxattr" "$J/m"
  for t in usr etc bin sbin lib lib32 lib64 libx32; do
    if [ -e "$D/u/$t" ] || [ -L "$D/u/$t" ]; then restore "$t"; fi
  done
  # those hidden by a parent the agent replaced whole (an opaque /etc or /usr has no entry for them)
  for p in $protected; do
    if { [ -e "$IMG/$p" ] || [ -L "$IMG/$p" ]; } && ! { [ -e "$J/m/$p" ] || [ -L "$J/m/$p" ]; }; then
      mkdir -p -- "$J/m/${"$"}{p%/*}" && restore "$p"
    fi
  done
  rm -rf -- "$J/m/dev" "$J/m/proc" "$J/m/run/agenttune"
  mkdir -p "$J/m/dev" "$J/m/proc" "$J/m/run/agenttune"
  mount -t tmpfs -o size=1m,mode=755 tmpfs "$J/m/dev"
  for n in null zero full random urandom tty; do touch "$J/m/dev/$n" && mount --bind "/dev/$n" "$J/m/dev/$n"; done
  # what a container's /dev also has: bash's process substitution needs /dev/fd
  ln -s /proc/self/fd "$J/m/dev/fd" && ln -s /proc/self/fd/0 "$J/m/dev/stdin"
  ln -s /proc/self/fd/1 "$J/m/dev/stdout" && ln -s /proc/self/fd/2 "$J/m/dev/stderr"
  mkdir -m 1777 "$J/m/dev/shm"
  mount -t proc proc "$J/m/proc"
  # as in the agent's view: /proc/tty/driver (the host root's) covered, so find over / is quiet
  mount -t tmpfs -o size=4k,mode=555 tmpfs "$J/m/proc/tty/driver" && mount -o remount,ro,bind "$J/m/proc/tty/driver"
  mount --bind "$CTL" "$J/m/run/agenttune" && mount -o remount,bind,ro "$J/m/run/agenttune"
} >"$D/judge.log" 2>&1
`;
