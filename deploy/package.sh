#!/usr/bin/env bash
# Makes, under dist/: the server and the client as self-contained single files for each architecture
# (dist/RID/SocketChat.Server, dist/RID/SocketChat.Client: no .NET needed where they run), and a Debian package per
# architecture (dist/socketchat_VERSION_ARCH.deb) that installs them in /usr/lib/socketchat, with
# socketchat-server and socketchat on the PATH, the systemd unit socketchat.service, a socketchat system user, its
# settings as /etc/socketchat/appsettings.json and its data in /var/lib/socketchat; `dpkg -r` removes the program,
# `dpkg --purge` the settings, the data and the user too.
# Usage: bash deploy/package.sh            (RIDS="linux-x64" for one; VERSION=1.2.3 to name the version)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

version=${VERSION:-0.$(git rev-list --count HEAD 2>/dev/null || echo 1).0}
rids=${RIDS:-linux-x64 linux-arm64}
command -v dpkg-deb >/dev/null || { echo "deploy/package.sh: dpkg-deb is needed (Debian's dpkg)" >&2; exit 1; }
mkdir -p dist

for rid in $rids; do
    case $rid in
        linux-x64) arch=amd64 ;;
        linux-arm64) arch=arm64 ;;
        *) echo "deploy/package.sh: $rid is not an architecture this makes (linux-x64, linux-arm64)" >&2; exit 1 ;;
    esac

    out=dist/$rid
    rm -rf "$out"
    for project in Server Client; do
        dotnet publish "src/$project" -c Release -r "$rid" --self-contained -p:PublishSingleFile=true \
            -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=none -p:GenerateDocumentationFile=false \
            -o "$out/$project" >/dev/null
        cp "$out/$project/SocketChat.$project" "$out/"
    done
    cp appsettings.json "$out/"

    root=$(mktemp -d)
    trap 'rm -rf "$root"' EXIT
    install -d "$root/DEBIAN" "$root/usr/lib/socketchat" "$root/usr/bin" "$root/etc/socketchat" "$root/lib/systemd/system"
    install -m 0755 "$out/SocketChat.Server" "$out/SocketChat.Client" "$root/usr/lib/socketchat/"
    # The settings are the administrator's (a conffile an upgrade asks about); the programs read them beside them.
    sed 's|"DataDirectory": ""|"DataDirectory": "/var/lib/socketchat"|' appsettings.json > "$root/etc/socketchat/appsettings.json"
    ln -s /etc/socketchat/appsettings.json "$root/usr/lib/socketchat/appsettings.json"
    ln -s /usr/lib/socketchat/SocketChat.Server "$root/usr/bin/socketchat-server"
    ln -s /usr/lib/socketchat/SocketChat.Client "$root/usr/bin/socketchat"
    install -m 0644 deploy/debian/socketchat.service "$root/lib/systemd/system/socketchat.service"
    echo /etc/socketchat/appsettings.json > "$root/DEBIAN/conffiles"
    cat > "$root/DEBIAN/control" <<CONTROL
Package: socketchat
Version: $version
Architecture: $arch
Maintainer: SocketChat developers <socketchat@localhost>
Section: net
Priority: optional
Installed-Size: $(du -sk "$root" | cut -f1)
Description: self-hosted chat server and terminal client
 One server for nc and telnet users, its own terminal client, IRC clients and
 browsers, in the same rooms; every message stored before it is delivered.
CONTROL
    cat > "$root/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
    getent group socketchat >/dev/null || groupadd --system socketchat
    getent passwd socketchat >/dev/null || useradd --system --gid socketchat --home-dir /var/lib/socketchat --no-create-home --shell /usr/sbin/nologin socketchat
    install -d -o socketchat -g socketchat -m 0750 /var/lib/socketchat
    if [ -d /run/systemd/system ]; then
        systemctl daemon-reload
        systemctl enable socketchat.service >/dev/null
        systemctl restart socketchat.service
    fi
fi
SCRIPT
    cat > "$root/DEBIAN/prerm" <<'SCRIPT'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
    systemctl disable --now socketchat.service >/dev/null 2>&1 || true
fi
SCRIPT
    cat > "$root/DEBIAN/postrm" <<'SCRIPT'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || true
fi
if [ "$1" = purge ]; then
    rm -rf /var/lib/socketchat /etc/socketchat
    getent passwd socketchat >/dev/null && userdel socketchat || true
    getent group socketchat >/dev/null && groupdel socketchat || true
fi
SCRIPT
    chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
    dpkg-deb --build --root-owner-group "$root" "dist/socketchat_${version}_${arch}.deb" >/dev/null
    rm -rf "$root" "$out/Server" "$out/Client"
    trap - EXIT
    echo "dist/$rid/SocketChat.Server, dist/$rid/SocketChat.Client, dist/socketchat_${version}_${arch}.deb"
done
