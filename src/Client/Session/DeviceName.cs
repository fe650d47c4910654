using System.Security.Cryptography;
using SocketChat.Client.Configuration;
using SocketChat.Protocol.Text;

namespace SocketChat.Client.Session;

// This client's device name on an account: Chat:Device, else the one kept in the state directory's device file,
// made (term-XXXXXXXX) the first time. Null when none can be kept (the directory cannot be written): the client
// logs in as a device without a name, shown the room's newest lines instead of what it missed.
internal static class DeviceName
{
    public static string? Resolve(ClientOptions options)
    {
        if (!string.IsNullOrEmpty(options.Device))
        {
            return options.Device;
        }

        var file = Path.Combine(StateDirectory(options), "device");
        try
        {
            if (File.Exists(file) && File.ReadAllText(file).Trim() is var kept && ChatNames.IsValid(kept))
            {
                return kept;
            }

            var made = $"term-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}";
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, made + "\n");
            return made;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static string StateDirectory(ClientOptions options)
    {
        if (!string.IsNullOrEmpty(options.StateDirectory))
        {
            return options.StateDirectory;
        }

        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        return string.IsNullOrEmpty(state)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "socketchat")
            : Path.Combine(state, "socketchat");
    }
}
