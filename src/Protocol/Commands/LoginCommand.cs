using SocketChat.Protocol.Text;

namespace SocketChat.Protocol.Commands;

/// <summary>
/// A login to an account (<c>/login NAME PASSWORD</c> or <c>/login NAME@DEVICE PASSWORD</c>; JSON
/// <c>{"type":"login","name":…,"password":…,"device":…,"last_id":…}</c>).
/// </summary>
/// <remarks>The password never appears in <see cref="ToString"/>, so logging a command cannot leak it.</remarks>
public sealed record LoginCommand(string Name, string Password, string? Cid = null) : ClientCommand(Cid)
{
    /// <summary>Which of the account's devices logs in (a stable name the client keeps); null when it does not say.</summary>
    public string? Device { get; init; }

    /// <summary>The id of the last message this device was shown, as the client kept it: it is sent what came after.</summary>
    public long? LastId { get; init; }

    /// <summary>The rule a device name follows, for error messages and documentation.</summary>
    public const string DeviceRule = ChatNames.Rule;

    /// <summary>
    /// Splits <c>NAME@DEVICE</c> (as IRC clients and soju write it) into the account and the device; the device is null
    /// when there is no <c>@</c>, and <paramref name="device"/> is empty when what follows it breaks <see cref="DeviceRule"/>.
    /// </summary>
    public static string SplitDevice(string name, out string? device)
    {
        var at = name.LastIndexOf('@');
        if (at < 0)
        {
            device = null;
            return name;
        }

        device = name[(at + 1)..];
        if (!ChatNames.IsValid(device))
        {
            device = string.Empty;
        }

        return name[..at];
    }

    /// <inheritdoc/>
    public override string ToString() => $"LoginCommand {{ Name = {Name}, Device = {Device}, Password = ***, Cid = {Cid} }}";
}
