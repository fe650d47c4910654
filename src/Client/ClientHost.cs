using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SocketChat.Client.Configuration;
using SocketChat.Client.Session;
using SocketChat.Hosting.Options;
using SocketChat.Hosting.Terminal;

namespace SocketChat.Client;

// The client's services, shared by Program and the tests' hosts.
internal static class ClientHost
{
    // The seed client's prompt, shown where the user types.
    public const string Prompt = " You: ";

    public static void AddChatClient(this IServiceCollection services, IConsoleBridge console)
    {
        services.AddOptions<ClientOptions>().BindConfiguration(ClientOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClientOptions>>(new SettingsValidator<ClientOptions>(ClientOptions.SectionName));
        services.AddSingleton<IValidateOptions<ClientOptions>, ClientFilesValidator>();
        services.AddSingleton<IValidateOptions<ClientOptions>, KnownSettingsValidator<ClientOptions>>();
        services.AddSingleton(console);
        services.AddSingleton<ClientExit>();
        services.AddHostedService<ChatClientService>();
    }
}
