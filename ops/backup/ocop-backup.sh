#!/usr/bin/env bash
# ocop-backup.sh: a verified, dated copy of the national dataset; keeps N days of copies.
#
#   ocop-backup.sh [--data-dir DIR] [--dest DIR] [--keep-days N] [--config FILE]
#
# Calls `ocop-syncd backup` (SQLite online backup: safe while the daemon runs) into
# DEST/.national-<UTC time>.sqlite.partial, switches the copy to a self-contained single file
# (journal_mode=DELETE), checks it with `PRAGMA integrity_check`, and only then renames it to
# DEST/national-<UTC time>.sqlite. The feed signing key (partners trust it; it cannot be made
# again) is copied beside it as national-<UTC time>.sqlite.feed-signing-key.pem, mode 0600.
# Attachments' files (DATA/national.sqlite.files, named by their SHA-256, never changed once
# written) are mirrored into DEST/files: each new one is copied, checked against its name's hash
# and renamed into place, so the mirror is one directory however many copies are kept.
# Copies older than N days are deleted, but only after a good new copy exists. Any failure
# exits non-zero and leaves no half-made copy behind.
#
# Run it as the daemon's user (ocop), e.g. through ocop-backup.service. Settings, flags first,
# then the environment, then the defaults:
#   --data-dir   OCOP_DATA_DIR          /var/lib/ocop-sync      (holds national.sqlite)
#   --dest       OCOP_BACKUP_DIR        /var/backups/ocop-sync
#   --keep-days  OCOP_BACKUP_KEEP_DAYS  14
#   --config     OCOP_CONFIG            /etc/ocop-sync/syncd.json if it exists (where a configured
#                                       http.feedSigningKey is found)
#                OCOP_SYNCD             /usr/local/bin/ocop-syncd
set -euo pipefail

syncd=${OCOP_SYNCD:-/usr/local/bin/ocop-syncd}
data_dir=${OCOP_DATA_DIR:-/var/lib/ocop-sync}
dest=${OCOP_BACKUP_DIR:-/var/backups/ocop-sync}
keep_days=${OCOP_BACKUP_KEEP_DAYS:-14}
config=${OCOP_CONFIG:-/etc/ocop-sync/syncd.json}

die() { echo "ocop-backup: error: $*" >&2; exit 1; }
usage() { sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
    case $1 in
        --data-dir) [[ $# -ge 2 ]] || die "--data-dir needs a value"; data_dir=$2; shift 2 ;;
        --dest) [[ $# -ge 2 ]] || die "--dest needs a value"; dest=$2; shift 2 ;;
        --keep-days) [[ $# -ge 2 ]] || die "--keep-days needs a value"; keep_days=$2; shift 2 ;;
        --config) [[ $# -ge 2 ]] || die "--config needs a value"; config=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done

[[ $keep_days =~ ^[1-9][0-9]*$ ]] || die "--keep-days must be a whole number of days >= 1, got '$keep_days'"
[[ -x $syncd ]] || die "$syncd is not an executable (set OCOP_SYNCD)"
command -v sqlite3 >/dev/null || die "sqlite3 is not installed (apt-get install sqlite3)"
# `ocop-syncd backup` creates an empty store where none exists: never back up the wrong directory.
[[ -f $data_dir/national.sqlite ]] || die "no national dataset at $data_dir/national.sqlite (wrong --data-dir / OCOP_DATA_DIR?)"
if [[ ! -d $dest ]]; then
    { mkdir -p -- "$dest" && chmod 0700 -- "$dest"; } || die "cannot create the backup directory $dest"
fi
[[ -w $dest ]] || die "the backup directory $dest is not writable by $(id -un)"

umask 077
stamp=$(date -u +%Y%m%dT%H%M%SZ)
final=$dest/national-$stamp.sqlite
partial=$dest/.national-$stamp.sqlite.partial
[[ ! -e $final ]] || die "$final already exists"

cleanup() { rm -f -- "$partial" "$partial-wal" "$partial-shm" "$partial-journal" "$partial.feed-signing-key.pem"; }
trap cleanup EXIT

echo "ocop-backup: backing up $data_dir/national.sqlite to $final"
config_args=()
if [[ -f $config ]]; then config_args=(--config "$config"); fi
"$syncd" backup "${config_args[@]}" --data-dir "$data_dir" "$partial" >/dev/null || die "ocop-syncd backup failed (see the message above)"

# One self-contained file: no -wal/-shm beside it, readable with `sqlite3 -readonly`.
# (The daemon turns WAL back on when it opens a restored copy.)
mode=$(sqlite3 "$partial" 'PRAGMA journal_mode=DELETE;') || die "cannot open the copy $partial with sqlite3"
[[ $mode == delete ]] || die "cannot switch the copy to journal_mode=DELETE (got '$mode')"

check=$(sqlite3 -readonly "$partial" 'PRAGMA integrity_check;') || die "integrity_check of the copy failed (sqlite3 could not complete it)"
[[ $check == ok ]] || die "integrity_check of the copy failed: $(head -n 5 <<<"$check")"
accounts=$(sqlite3 -readonly "$partial" 'SELECT count(*) FROM _server_accounts;') \
    || die "the copy has no _server_accounts table: not an OCOP national dataset"

key_note="no feed signing key yet (the HTTP server has not created one)"
if [[ -f $partial.feed-signing-key.pem ]]; then
    chmod 0600 -- "$partial.feed-signing-key.pem"
    sync -- "$partial.feed-signing-key.pem" 2>/dev/null || sync
    mv -- "$partial.feed-signing-key.pem" "$final.feed-signing-key.pem"
    key_note="feed signing key in $final.feed-signing-key.pem"
fi
sync -- "$partial" 2>/dev/null || sync
mv -- "$partial" "$final"
sync -- "$dest" 2>/dev/null || sync
trap - EXIT
size=$(stat -c %s -- "$final")
echo "ocop-backup: ok: $final ($size bytes, integrity_check ok, $accounts accounts); $key_note"

# Attachments' files: new ones into the mirror, each checked against the hash it is named by
# (a file damaged on the live disk must never reach the backup as if it were good).
files_src=$data_dir/national.sqlite.files
mirror=$dest/files
copied=0
if [[ -d $files_src ]]; then
    while IFS= read -r -d '' file; do
        name=${file##*/}
        target=$mirror/${name:0:2}/$name
        [[ -e $target ]] && continue
        mkdir -p -- "$mirror/${name:0:2}"
        cp -- "$file" "$target.partial" || die "cannot copy $file into $mirror"
        sum=$(sha256sum -- "$target.partial" | cut -d' ' -f1)
        if [[ $sum != "$name" ]]; then
            rm -f -- "$target.partial"
            die "$file does not match its SHA-256 (it is $sum): the live disk is damaged; restore that file from $mirror or from the province that sent it"
        fi
        mv -- "$target.partial" "$target"
        copied=$((copied + 1))
    done < <(find "$files_src" -mindepth 2 -maxdepth 2 -type f -regextype posix-extended -regex '.*/[0-9a-f]{2}/[0-9a-f]{64}' -print0)
    sync -- "$mirror" 2>/dev/null || sync
fi
echo "ocop-backup: $copied new attachment file(s) copied to $mirror"

# Keep N days: delete copies whose modification time is more than N*24 h old.
pruned=0
while IFS= read -r -d '' old; do
    [[ $old == "$final" ]] && continue
    rm -f -- "$old" "$old.feed-signing-key.pem"
    echo "ocop-backup: removed $old (older than $keep_days days)"
    pruned=$((pruned + 1))
done < <(find "$dest" -maxdepth 1 -type f -name 'national-*.sqlite' -mmin "+$((keep_days * 1440))" -print0)
# Stale partial copies of runs that were killed (SIGKILL skips the trap).
find "$dest" -maxdepth 1 -type f -name '.national-*.sqlite.partial*' -mmin +1440 -delete
# Keys whose dataset copy is gone (pruned above, or removed by hand).
while IFS= read -r -d '' key; do
    [[ -e ${key%.feed-signing-key.pem} ]] || rm -f -- "$key"
done < <(find "$dest" -maxdepth 1 -type f -name 'national-*.sqlite.feed-signing-key.pem' -print0)
echo "ocop-backup: kept copies of the last $keep_days days; removed $pruned older"
