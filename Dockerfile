# syntax=docker/dockerfile:1
# Build with the .NET 10 SDK, run on the ASP.NET Core runtime image (Kestrel serves the browser client) as a non-root user.
#   docker build -t socketchat .
#   docker run -p 8080:8080 -v socketchat-data:/data socketchat
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig appsettings.json ./
COPY src/ src/
# ReadyToRun: compiled ahead of time for this platform, so it starts faster and compiles less while warming up.
RUN dotnet publish src/Server/SocketChat.Server.csproj -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# The data volume, writable by the unprivileged user the image runs as.
RUN mkdir -p /data && chown "$APP_UID" /data
VOLUME /data
# Containers are read by log collectors: one compact JSON event per line on stdout.
ENV Log__Format=json \
    Chat__OperatorConsole=Off \
    Chat__DataDirectory=/data \
    Chat__Host=* \
    Chat__Port=8080
EXPOSE 8080
USER $APP_UID
# The probe speaks the protocol (/ping, * pong), so a hung server fails it, not only a closed port.
HEALTHCHECK --interval=30s --timeout=10s --start-period=15s --retries=3 CMD ["/app/SocketChat.Server", "--probe"]
# The apphost rather than `dotnet SocketChat.Server.dll`, so the process is named SocketChat.Server
# (dotnet-counters monitor -n SocketChat.Server).
ENTRYPOINT ["/app/SocketChat.Server"]
