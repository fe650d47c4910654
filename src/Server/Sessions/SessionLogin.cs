using Microsoft.Extensions.Logging;
using SocketChat.Protocol;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Events;
using SocketChat.Protocol.Text;
using SocketChat.Server.Accounts;
using SocketChat.Server.Logging;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Sessions;

// Password mode: checks a login, slowing an address that keeps failing, and never logs the password.
internal sealed class SessionLogin
{
    private readonly AccountStore _accounts;
    private readonly LoginThrottle _throttle;
    private readonly SessionLifecycle _lifecycle;
    private readonly TimeProvider _clock;
    private readonly ILogger<SessionLogin> _logger;

    public SessionLogin(AccountStore accounts, LoginThrottle throttle, SessionLifecycle lifecycle, TimeProvider clock, ILogger<SessionLogin> logger)
    {
        _accounts = accounts;
        _throttle = throttle;
        _lifecycle = lifecycle;
        _clock = clock;
        _logger = logger;
    }

    public bool Required => _accounts.Required;

    // Logs the session in; returns the error to send when it did not.
    public async Task<InvalidCommand?> LogInAsync(ChatSession session, LoginCommand login)
    {
        var (account, failure) = await VerifyAsync(session, login);
        if (account is not null)
        {
            await _lifecycle.LogInAsync(session, account, login.LastId);
        }

        return failure;
    }

    // Checks the name and password, throttled like a login: the account they prove, or the error to send. IRC's SASL
    // checks before the connection registers, and logs in (SessionLifecycle.LogInAsync) once it does.
    public async Task<(string? Account, InvalidCommand? Failure)> VerifyAsync(ChatSession session, LoginCommand login)
    {
        if (!Required)
        {
            return (null, new InvalidCommand(ErrorCodes.BadArguments, "this server has no accounts; choose a nickname with /nick NAME", login.Cid));
        }

        if (!session.AwaitingLogin)
        {
            return (null, new InvalidCommand(ErrorCodes.BadArguments, $"you are already logged in as {session.Nick}", login.Cid));
        }

        // Counted from the start; an attempt that had to wait asks again, since others may have gone first meanwhile.
        bool? told = null;
        while (_throttle.TryBegin(session.Address) is { MustWait: true } wait)
        {
            // Said once for each reason to wait: others from the address being checked, or too many failures.
            if (told != wait.OthersInProgress)
            {
                told = wait.OthersInProgress;
                var seconds = (int)Math.Ceiling(wait.Delay.TotalSeconds);
                ServerLog.LoginThrottled(_logger, session.RemoteEndPoint, seconds);
                session.Send(new InfoEvent(
                    wait.OthersInProgress
                        ? "too many logins from your address at once; this attempt waits until the others are checked"
                        : $"too many failed logins from your address; this attempt waits {seconds} s",
                    login.Cid));
            }

            await Task.Delay(wait.Delay, _clock, session.ReadingStopped);
        }

        Verification verified;
        try
        {
            verified = await _accounts.VerifyAsync(login.Name, login.Password, session.ReadingStopped);
        }
        catch
        {
            _throttle.Ended(session.Address);
            throw;
        }

        if (verified.Busy)
        {
            _throttle.Ended(session.Address);
            ServerLog.LoginBusy(_logger, session.RemoteEndPoint);
            return (null, new InvalidCommand(ErrorCodes.Busy, "the server is busy checking other logins; try again in a few seconds", login.Cid));
        }

        if (verified.Account is not { } account)
        {
            var failures = _throttle.Failed(session.Address);
            ServerLog.LoginFailed(_logger, TextSanitizer.RemoveControlCharacters(login.Name), session.RemoteEndPoint, failures);
            return (null, new InvalidCommand(ErrorCodes.LoginFailed, "wrong account name or password", login.Cid));
        }

        _throttle.Ended(session.Address);
        session.Device = login.Device;
        return (account, null);
    }
}
