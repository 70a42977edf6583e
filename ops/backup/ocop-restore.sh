#!/usr/bin/env bash
# ocop-restore.sh: put a backup of the national dataset back in place, safely.
#
#   ocop-restore.sh [--data-dir DIR] [--unit NAME] [--yes]
#                   [--reapply-revocations | --keep-restored-credentials] BACKUP_FILE
#
# The documented restore: with the daemon stopped, replace DATA/national.sqlite by the backup
# and drop national.sqlite-wal and -shm. This script, step by step:
#   1. refuses while the dataset is in use: the systemd unit is active, or any process has
#      national.sqlite, -wal or -shm open (run it as root so every process can be seen);
#   2. copies the backup to DATA/.national.sqlite.restoring (owner and group of DATA, mode
#      0600) and checks the copy: PRAGMA integrity_check, and that it is an OCOP national
#      dataset (the backup file itself is never modified);
#   3. credentials: a backup holds the API tokens and account secrets of its day, so restoring
#      it would bring back tokens revoked, secrets rotated and accounts disabled since then.
#      `ocop-syncd credential-changes` compares the current dataset with the copy and lists
#      them (and the tokens and accounts added since, which the restore loses). With
#      --reapply-revocations they are revoked again in the copy (a rotated account gets its
#      newer secret's verifier, so the province's current secret keeps working); with
#      --keep-restored-credentials the copy is left as it is. At a terminal it asks; without
#      one and without either flag it stops, nothing changed;
#   4. the feed signing key: if the data directory has none, the key saved beside the backup
#      (BACKUP_FILE.feed-signing-key.pem) is put back (mode 0600); an existing key is kept;
#   5. asks for confirmation (or --yes), then checks again that nothing has the dataset open;
#   6. moves the current national.sqlite, -wal and -shm together into
#      DATA/pre-restore-<UTC time>/ (kept, not deleted: the old -wal holds the old file's
#      newest commits) and renames the checked copy to national.sqlite.
# On any failure the old files are moved back. It does not start the daemon.
#
#   --data-dir  OCOP_DATA_DIR  /var/lib/ocop-sync
#   --unit      OCOP_UNIT      ocop-syncd.service
#   --yes       do not ask for confirmation (needed when stdin is not a terminal)
#   --reapply-revocations, --keep-restored-credentials   see step 3
#               OCOP_SYNCD     /usr/local/bin/ocop-syncd
#               OCOP_FEED_KEY  DATA/feed-signing-key.pem (set it if http.feedSigningKey is configured)
set -euo pipefail
shopt -s nullglob

data_dir=${OCOP_DATA_DIR:-/var/lib/ocop-sync}
unit=${OCOP_UNIT:-ocop-syncd.service}
assume_yes=false
credentials=ask
syncd=${OCOP_SYNCD:-/usr/local/bin/ocop-syncd}
backup=

die() { echo "ocop-restore: error: $*" >&2; exit 1; }
say() { echo "ocop-restore: $*"; }
usage() { sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
    case $1 in
        --data-dir) [[ $# -ge 2 ]] || die "--data-dir needs a value"; data_dir=$2; shift 2 ;;
        --unit) [[ $# -ge 2 ]] || die "--unit needs a value"; unit=$2; shift 2 ;;
        --yes|-y) assume_yes=true; shift ;;
        --reapply-revocations) credentials=reapply; shift ;;
        --keep-restored-credentials) credentials=keep; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) usage >&2; die "unknown option: $1" ;;
        *) [[ -z $backup ]] || die "give one backup file, got '$backup' and '$1'"; backup=$1; shift ;;
    esac
done

[[ -n $backup ]] || { usage >&2; die "which backup? give BACKUP_FILE (e.g. /var/backups/ocop-sync/national-20250101T031500Z.sqlite)"; }
command -v sqlite3 >/dev/null || die "sqlite3 is not installed (apt-get install sqlite3)"
[[ -d $data_dir ]] || die "no data directory $data_dir (give --data-dir)"
[[ -x $syncd ]] || die "$syncd is not an executable (set OCOP_SYNCD)"
feed_key=${OCOP_FEED_KEY:-$data_dir/feed-signing-key.pem}
[[ -f $backup && -r $backup ]] || die "cannot read the backup file $backup"
live=$data_dir/national.sqlite
backup_real=$(readlink -f -- "$backup")
[[ $backup_real != "$(readlink -f -- "$live")" ]] || die "$backup is the live dataset itself"
[[ ! -e $backup-wal ]] || die "$backup-wal exists: that backup is still open or was not closed cleanly; checkpoint it first (sqlite3 '$backup' 'PRAGMA wal_checkpoint(TRUNCATE)')"

in_use() {  # prints who has the dataset open; false if no one
    local report="" f fd target t pid cmd targets=()
    if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null && systemctl is-active --quiet "$unit"; then
        report+="the systemd unit $unit is active"$'\n'
    fi
    for f in "$live" "$live-wal" "$live-shm"; do
        if [[ -e $f ]]; then targets+=("$(readlink -f -- "$f")"); fi
    done
    if [[ ${#targets[@]} -gt 0 ]]; then
        for fd in /proc/[0-9]*/fd/*; do
            target=$(readlink -- "$fd" 2>/dev/null) || continue
            for t in "${targets[@]}"; do
                if [[ $target == "$t" ]]; then
                    pid=${fd#/proc/}; pid=${pid%%/*}
                    cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | cut -c1-120) || cmd="?"
                    report+="process $pid: $cmd"$'\n'
                fi
            done
        done
    fi
    [[ -n $report ]] || return 1
    printf '%s' "$report" | sort -u
}
refuse_if_in_use() {
    local holders line
    if holders=$(in_use); then
        while IFS= read -r line; do echo "ocop-restore: in use: $line" >&2; done <<<"$holders"
        die "the national dataset is in use: stop the daemon (systemctl stop $unit) and any ocop-syncd admin command first; nothing changed"
    fi
}

# 1. Refuse while the daemon (or anything else) has the dataset open.
[[ $EUID -eq 0 ]] || say "warning: not root: only your own processes can be checked for open files"
refuse_if_in_use

# 2. Copy the backup next to the dataset and check the copy (the backup itself is not touched).
staging=$data_dir/.national.sqlite.restoring
aside=$data_dir/pre-restore-$(date -u +%Y%m%dT%H%M%SZ)
moved=()
cleanup() {
    rm -f -- "$staging" "$staging-wal" "$staging-shm" "$staging-journal"
    if [[ ${#moved[@]} -gt 0 ]]; then
        rm -f -- "$live" "$live-wal" "$live-shm"
        local name
        for name in "${moved[@]}"; do mv -- "$aside/$name" "$data_dir/$name"; done
        rmdir -- "$aside" 2>/dev/null || true
        echo "ocop-restore: failed: the previous dataset is back in place" >&2
    fi
}
trap cleanup EXIT

owner=$(stat -c %u:%g -- "$data_dir")
umask 077
say "checking $backup"
cp -- "$backup" "$staging"
chmod 0600 -- "$staging"
[[ $EUID -ne 0 ]] || chown -- "$owner" "$staging"
check=$(sqlite3 "$staging" 'PRAGMA integrity_check;') || die "sqlite3 cannot open a copy of $backup"
[[ $check == ok ]] || die "integrity_check of $backup failed: $(head -n 5 <<<"$check")"
accounts=$(sqlite3 "$staging" 'SELECT count(*) FROM _server_accounts;' 2>/dev/null) \
    || die "$backup has no _server_accounts table: not an OCOP national dataset"
rm -f -- "$staging-wal" "$staging-shm"
sync -- "$staging" 2>/dev/null || sync
say "backup ok: integrity_check ok, $accounts accounts, file time $(date -u -r "$backup" +%Y-%m-%dT%H:%M:%SZ)"

# 3. Credentials changed since the backup.
unknown_credentials="tokens revoked, secrets rotated and accounts disabled after the backup come back; check 'ocop-syncd token list' and 'tenant list' after the start and revoke them again"
if [[ -f $live ]] && ! report=$("$syncd" credential-changes --current "$live" --restored "$staging"); then
    # A damaged dataset is the usual reason for a restore: it must not block it.
    say "warning: cannot read the credentials of the current dataset (damaged?), so $unknown_credentials"
elif [[ -f $live ]]; then
    while IFS= read -r line; do say "$line"; done <<<"$report"
    if grep -q '^warning:' <<<"$report"; then
        if [[ $credentials == ask ]]; then
            [[ -t 0 ]] || die "the backup brings back revoked credentials (listed above): add --reapply-revocations (recommended) or --keep-restored-credentials; nothing changed"
            read -r -p "Revoke them again in the restored dataset? Type yes (recommended) or no: " answer || answer=
            case $answer in
                yes) credentials=reapply ;;
                no) credentials=keep ;;
                *) die "answer yes or no; nothing changed" ;;
            esac
        fi
        if [[ $credentials == reapply ]]; then
            applied=$("$syncd" credential-changes --current "$live" --restored "$staging" --reapply-revocations) \
                || die "could not reapply the revocations (see the message above); nothing changed"
            while IFS= read -r line; do say "$line"; done <<<"$applied"
            rm -f -- "$staging-wal" "$staging-shm"
        else
            say "warning: keeping the backup's credentials: revoke, rotate or disable again by hand what is listed above"
        fi
    fi
else
    say "warning: there is no current dataset to compare with, so $unknown_credentials"
fi

# 4. The feed signing key, if the data directory lost it.
key_copy=$backup.feed-signing-key.pem
restore_key=false
if [[ -f $key_copy ]]; then
    if [[ ! -f $feed_key ]]; then
        restore_key=true
        say "will put the feed signing key back: $key_copy -> $feed_key"
    elif ! cmp -s -- "$key_copy" "$feed_key"; then
        say "note: $feed_key differs from the key saved with the backup; keeping the current one (the one partners were last given)"
    fi
elif [[ ! -f $feed_key ]]; then
    say "note: no feed signing key beside the backup and none in $data_dir: the daemon makes a new one, which partners must be given"
fi

# 5. Confirm.
say "will move the current $live (and any -wal, -shm) to $aside/ and put the backup in its place"
if ! $assume_yes; then
    [[ -t 0 ]] || die "not a terminal: add --yes to confirm; nothing changed"
    read -r -p "Type yes to restore: " answer || answer=
    [[ $answer == yes ]] || die "not confirmed; nothing changed"
fi
refuse_if_in_use

# 6. Set the old files aside together, rename the checked copy into place.
mkdir -m 0700 -- "$aside"
[[ $EUID -ne 0 ]] || chown -- "$owner" "$aside"
for name in national.sqlite national.sqlite-wal national.sqlite-shm; do
    if [[ -e $data_dir/$name ]]; then
        mv -- "$data_dir/$name" "$aside/$name"
        moved+=("$name")
    fi
done
if [[ ${#moved[@]} -gt 0 ]]; then say "set aside: ${moved[*]} -> $aside/"; else rmdir -- "$aside"; say "there was no current dataset"; fi
mv -- "$staging" "$live"
if $restore_key; then
    install -m 0600 -- "$key_copy" "$feed_key"
    [[ $EUID -ne 0 ]] || chown -- "$owner" "$feed_key"
    say "restored the feed signing key to $feed_key"
fi
# Attachments' files the data directory lost, from the backup's mirror (files never change:
# one that is there already is the same bytes).
files_mirror=$(dirname -- "$backup")/files
put_back=0
if [[ -d $files_mirror ]]; then
    while IFS= read -r -d '' file; do
        name=${file##*/}
        target=$data_dir/national.sqlite.files/${name:0:2}/$name
        [[ -e $target ]] && continue
        mkdir -p -- "${target%/*}"
        cp -- "$file" "$target.partial" && mv -- "$target.partial" "$target"
        put_back=$((put_back + 1))
    done < <(find "$files_mirror" -mindepth 2 -maxdepth 2 -type f -regextype posix-extended -regex '.*/[0-9a-f]{2}/[0-9a-f]{64}' -print0)
    [[ $EUID -ne 0 ]] || chown -R -- "$owner" "$data_dir/national.sqlite.files" 2>/dev/null || true
    say "put back $put_back attachment file(s) from $files_mirror"
fi
sync -- "$data_dir" 2>/dev/null || sync
moved=()
trap - EXIT

say "restored $backup to $live"
[[ ! -d $aside ]] || say "the previous dataset is kept in $aside/ (delete it once the restore is confirmed good)"
say "next: systemctl start $unit, then: sudo -u ocop ocop-syncd tenant list --config /etc/ocop-sync/syncd.json"
say "note: changes merged after this backup was taken are no longer on the server (RUNBOOK.md, Back up and restore)"
