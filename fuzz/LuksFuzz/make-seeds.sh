#!/usr/bin/env bash
# Regenerates the LUKS fuzz seeds with the local cryptsetup: the header area of real luksFormat images (the fuzz
# target puts each seed at the start of a 64 MiB virtual device). Test keys only; seeds hold salts and UUIDs, no secrets.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
key=$work/key; printf 'fuzz seed key' > "$key"
fast=(--pbkdf pbkdf2 --pbkdf-force-iterations 1000)
format() { truncate -s 20M "$work/$1"; cryptsetup luksFormat -q --key-file "$key" "${@:2}" "$work/$1"; }
keep() { head -c "$2" "$work/$1" > "seeds/$1"; }

format luks2-pbkdf2 --type luks2 "${fast[@]}"; keep luks2-pbkdf2 32768
format luks2-argon2id-64k --type luks2 --luks2-metadata-size 64k --pbkdf argon2id --pbkdf-memory 32 --pbkdf-force-iterations 4 --cipher aes-cbc-essiv:sha256 --key-size 256
keep luks2-argon2id-64k 131072
format luks2-tokens --type luks2 "${fast[@]}" --label models --subsystem wg
cryptsetup luksAddKey -q --key-file "$key" "${fast[@]}" "$work/luks2-tokens" <(printf 'second')
cryptsetup token import "$work/luks2-tokens" <<<'{"type":"systemd-tpm2","keyslots":["0"],"tpm2-blob":"AA==","tpm2-pcrs":[7],"tpm2-pcr-bank":"sha256","tpm2-policy-hash":"00","tpm2-pin":true}'
cryptsetup token import "$work/luks2-tokens" <<<'{"type":"clevis","keyslots":["1"],"jwe":{"protected":"eyJjbGV2aXMiOnsicGluIjoic3NzIiwic3NzIjp7InQiOjEsImp3ZSI6WyJleUpqYkdWMmFYTWlPbnNpY0dsdUlqb2lkSEJ0TWlJc0luUndiVElpT25zaWNHTnlYMmxrY3lJNklqQXNOeUo5ZlgwLmEuYi5jLmQiXX19fQ"}}'
cryptsetup token import "$work/luks2-tokens" <<<'{"type":"systemd-fido2","keyslots":["1"],"fido2-credential":"AA==","fido2-salt":"AA==","fido2-rp":"io.systemd.cryptsetup","fido2-clientPin-required":true,"fido2-up-required":true,"fido2-uv-required":false}'
keep luks2-tokens 32768
format luks1 --type luks1 --pbkdf-force-iterations 1000 --hash sha1; keep luks1 4096
