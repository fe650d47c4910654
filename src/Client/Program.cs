using SocketChat.Client;

return await ClientApp.RunAsync(args);
