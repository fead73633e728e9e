#!/usr/bin/env bash
# Runs the deploy/ units under a real systemd (systemd-nspawn, systemd as PID 1 of a container)
# and checks what docs/deployment.md promises: the gateway and kiosk units come up healthy as the
# dedicated user in a read-only system, a killed service is restarted, the backup service and
# timer run, a stop is clean. Needs root, systemd-nspawn (Debian: systemd-container) and overlayfs;
# nothing on this machine is changed: the container's root is an overlay of / on a tmpfs, the
# code is this checkout bound read-only at /opt/linli, and everything is removed at the end.
#
#   sudo scripts/deploy-smoke.sh            exit 0: every check passed; 1: a check failed;
#                                           77: cannot run here (the reason is printed)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
MACHINE=linli-smoke-$$
BOOT_TIMEOUT_S=${LINLI_SMOKE_BOOT_TIMEOUT_S:-120}
failures=0

skip() {
  echo "deploy-smoke: SKIP: $*" >&2
  exit 77
}
pass() { echo "  ok   $*"; }
fail() {
  echo "  FAIL $*"
  failures=$((failures + 1))
}

[ "$(id -u)" = 0 ] || skip "needs root (it mounts an overlay and starts a container)"
command -v systemd-nspawn >/dev/null || skip "no systemd-nspawn (apt-get install systemd-container)"
command -v nsenter >/dev/null || skip "no nsenter (util-linux)"
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || skip "no overlayfs in this kernel"

WORK=$(mktemp -d /tmp/linli-deploy-smoke.XXXXXX)
ROOT=$WORK/root
NSPAWN_PID=
cleanup() {
  if [ -n "$NSPAWN_PID" ] && kill -0 "$NSPAWN_PID" 2>/dev/null; then
    kill -TERM "$NSPAWN_PID" 2>/dev/null || true # nspawn asks the container's systemd to power off
    for _ in $(seq 1 60); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$NSPAWN_PID" 2>/dev/null || true
  fi
  umount "$ROOT" 2>/dev/null || true
  umount "$WORK/up" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The container's root: / (the lower layer, read-only) under a tmpfs that takes every write.
mkdir -p "$WORK/up" "$ROOT"
mount -t tmpfs -o size=2g tmpfs "$WORK/up"
mkdir -p "$WORK/up/upper" "$WORK/up/work"
mount -t overlay overlay -o "lowerdir=/,upperdir=$WORK/up/upper,workdir=$WORK/up/work" "$ROOT" ||
  skip "overlayfs mount of / failed"

# A clean machine: its own machine id, none of this host's services, the Linli files installed
# where docs/deployment.md puts them.
python3 -c 'import uuid; print(uuid.uuid4().hex)' >"$ROOT/etc/machine-id"
find "$ROOT/etc/systemd/system" -path '*.wants/*' -type l -delete
install -m 0644 "$REPO"/deploy/systemd/* "$ROOT/etc/systemd/system/"
install -D -m 0644 "$REPO/deploy/sysusers/linli.conf" "$ROOT/etc/sysusers.d/linli.conf"
install -D -m 0644 "$REPO/deploy/journald/linli.conf" "$ROOT/etc/systemd/journald.conf.d/linli.conf"
systemd-sysusers --root="$ROOT" >/dev/null
mkdir -p "$ROOT/etc/linli" "$ROOT/opt/linli"
install -m 0640 "$REPO/deploy/env/gateway.env" "$REPO/deploy/env/kiosk.env" "$ROOT/etc/linli/"
# No reader, printer or scanner in a container. ('simulated' cannot run in the hardened unit:
# the simulators' socat is started under setpriv, which NoNewPrivileges and an empty
# capability set refuse; the simulators are for development, not deployment.)
cat >>"$ROOT/etc/linli/kiosk.env" <<'EOF'
# deploy-smoke: no hardware in the test container
LINLI_KIOSK_IDCARD=none
LINLI_KIOSK_PRINTER=none
LINLI_KIOSK_SCANNER=none
EOF
chroot "$ROOT" chown root:linli /etc/linli/gateway.env /etc/linli/kiosk.env
systemctl --root="$ROOT" enable linli-gateway.service linli-kiosk.service \
  linli-backup@gateway.timer linli-backup@kiosk.timer >/dev/null 2>&1
systemctl --root="$ROOT" set-default multi-user.target >/dev/null 2>&1

echo "deploy-smoke: booting systemd in container $MACHINE ($WORK)"
systemd-nspawn -q -D "$ROOT" -M "$MACHINE" --register=no --keep-unit --link-journal=no \
  --private-network --console=passive --bind-ro="$REPO:/opt/linli" -b >"$WORK/console.log" 2>&1 &
NSPAWN_PID=$!

# PID 1 of the container, seen from here: nspawn's child once it is systemd (before that, the
# child may be nspawn's short-lived setup process)
LEADER=
for _ in $(seq 1 300); do
  for pid in $(pgrep -P "$NSPAWN_PID" || true); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = systemd ] && LEADER=$pid
  done
  [ -n "$LEADER" ] && break
  kill -0 "$NSPAWN_PID" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$LEADER" ]; then
  cat "$WORK/console.log" >&2
  skip "systemd-nspawn did not start systemd in a container (its output above)"
fi
in_ct() { nsenter -t "$LEADER" -a "$@"; }

state=
for _ in $(seq 1 $((BOOT_TIMEOUT_S * 2))); do
  state=$(in_ct systemctl is-system-running 2>/dev/null || true)
  case $state in running | degraded) break ;; esac
  sleep 0.5
done
case $state in
  running | degraded) echo "deploy-smoke: systemd $(in_ct systemctl --version | head -1 | cut -d' ' -f2) is up: $state" ;;
  *)
    cat "$WORK/console.log" >&2
    skip "the container's systemd did not finish booting in ${BOOT_TIMEOUT_S}s (state: ${state:-none})"
    ;;
esac

# until DEADLINE_S CMD...: polls CMD inside the container
until_ok() {
  local deadline=$(($(date +%s) + $1))
  shift
  while [ "$(date +%s)" -lt "$deadline" ]; do
    in_ct "$@" >/dev/null 2>&1 && return 0
    sleep 1
  done
  return 1
}
main_pid() { in_ct systemctl show -P MainPID "$1"; }
healthz() { in_ct curl -fsS -o /dev/null "$1"; }

set +e # from here on a check that fails is counted, not fatal
GW_HEALTH=http://127.0.0.1:8080/healthz
KIOSK_HEALTH=http://127.0.0.1:8090/api/health

echo "1. both services come up"
for unit in linli-gateway linli-kiosk; do
  if until_ok 90 systemctl is-active --quiet "$unit"; then pass "$unit active"; else fail "$unit not active"; fi
done
if until_ok 120 curl -fsS -o /dev/null "$GW_HEALTH"; then pass "gateway $GW_HEALTH answers 200"; else fail "gateway $GW_HEALTH"; fi
if until_ok 120 curl -fsS -o /dev/null "$KIOSK_HEALTH"; then pass "kiosk $KIOSK_HEALTH answers 200"; else fail "kiosk $KIOSK_HEALTH"; fi

echo "2. hardening holds in the running services"
for unit in linli-gateway linli-kiosk; do
  pid=$(main_pid "$unit")
  user=$(in_ct ps -o user= -p "$pid" | tr -d ' ')
  [ "$user" = linli ] && pass "$unit runs as linli" || fail "$unit runs as '$user'"
  status=$(in_ct cat "/proc/$pid/status")
  grep -q '^CapEff:[[:space:]]*0000000000000000$' <<<"$status" && pass "$unit has no capabilities" || fail "$unit has capabilities"
  grep -q '^NoNewPrivs:[[:space:]]*1$' <<<"$status" && pass "$unit NoNewPrivs" || fail "$unit may gain privileges"
  grep -q '^Seccomp:[[:space:]]*2$' <<<"$status" && pass "$unit under a seccomp filter" || fail "$unit without seccomp"
  data=/var/lib/linli/${unit#linli-}
  # in the unit's own mount namespace, as root even: the system is read-only but for the data folder
  for path in /opt/linli/.smoke /etc/.smoke /usr/.smoke /var/lib/.smoke; do
    err=$(in_ct nsenter -t "$pid" -m sh -c "echo x > $path" 2>&1)
    case $err in
      *"Read-only file system"*) pass "$unit cannot write $path (read-only)" ;;
      *) fail "$unit writes $path: ${err:-it succeeded}" ;;
    esac
  done
  if in_ct nsenter -t "$pid" -m setpriv --reuid=linli --regid=linli --clear-groups sh -c "echo x > $data/.smoke && rm $data/.smoke"; then
    pass "$unit writes its data folder $data"
  else fail "$unit cannot write $data"; fi
  mode=$(in_ct stat -c '%a %U' "$data")
  [ "$mode" = "700 linli" ] && pass "$data is 0700 linli" || fail "$data is $mode"
  # ProtectHome=yes: an inaccessible mount over /home and /root in the unit's namespace only
  if in_ct nsenter -t "$pid" -m findmnt -n /home >/dev/null && ! in_ct findmnt -n /home >/dev/null; then
    pass "$unit has /home hidden"
  else fail "$unit sees the real /home"; fi
done

echo "3. Restart= brings a killed service back"
for pair in "linli-gateway $GW_HEALTH" "linli-kiosk $KIOSK_HEALTH"; do
  set -- $pair
  unit=$1 url=$2
  old=$(main_pid "$unit")
  in_ct kill -KILL "$old"
  restarted() { local now; now=$(main_pid "$unit"); [ "$now" != 0 ] && [ "$now" != "$old" ] && in_ct systemctl is-active --quiet "$unit"; }
  ok=
  for _ in $(seq 1 60); do restarted && ok=1 && break; sleep 1; done
  if [ -n "$ok" ]; then
    pass "$unit restarted after kill -9 (pid $old -> $(main_pid "$unit"), NRestarts=$(in_ct systemctl show -P NRestarts "$unit"))"
  else fail "$unit not restarted after kill -9"; fi
  if until_ok 120 curl -fsS -o /dev/null "$url"; then pass "$unit healthy again"; else fail "$unit not healthy after restart"; fi
done

echo "4. backups: the timer is armed, the service runs"
for svc in gateway kiosk; do
  if in_ct systemctl is-active --quiet "linli-backup@$svc.timer"; then
    pass "linli-backup@$svc.timer active, next: $(in_ct systemctl show -P NextElapseUSecRealtime "linli-backup@$svc.timer")"
  else fail "linli-backup@$svc.timer not active"; fi
  if in_ct systemctl start "linli-backup@$svc.service"; then
    result=$(in_ct systemctl show -P Result "linli-backup@$svc.service")
    files=$(in_ct sh -c "ls /var/lib/linli/backups/$svc | wc -l")
    [ "$result" = success ] && [ "$files" -ge 1 ] && pass "linli-backup@$svc.service: $result, $files file(s) in /var/lib/linli/backups/$svc" ||
      fail "linli-backup@$svc.service: $result, $files file(s)"
  else
    fail "linli-backup@$svc.service failed: $(in_ct journalctl -u "linli-backup@$svc.service" -n 5 --no-pager -o cat)"
  fi
done
# the service still healthy while and after its backup ran
if healthz "$GW_HEALTH"; then pass "gateway healthy after its backup"; else fail "gateway unhealthy after its backup"; fi

echo "5. a stop is clean"
for unit in linli-gateway linli-kiosk; do
  in_ct systemctl stop "$unit"
  result=$(in_ct systemctl show -P Result "$unit")
  [ "$result" = success ] && pass "$unit stopped on SIGTERM (Result=$result)" || fail "$unit stop: Result=$result"
done

if [ "$failures" -gt 0 ]; then
  echo "deploy-smoke: $failures check(s) FAILED; the journal of the services:"
  in_ct journalctl -u linli-gateway -u linli-kiosk -n 60 --no-pager -o short-monotonic || true
  exit 1
fi
echo "deploy-smoke: all checks passed"
