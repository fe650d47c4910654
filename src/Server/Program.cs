using SocketChat.Server;

return await ServerApp.RunAsync(args);
