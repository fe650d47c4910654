# syntax=docker/dockerfile:1
# Build with the .NET 10 SDK, run on the smaller runtime image as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig appsettings.json ./
COPY src/ src/
RUN dotnet publish src/Server/SocketChat.Server.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app ./
# Containers are read by log collectors: one compact JSON event per line on stdout.
ENV Log__Format=json \
    Chat__OperatorConsole=Off \
    Chat__Port=8080
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "SocketChat.Server.dll"]
