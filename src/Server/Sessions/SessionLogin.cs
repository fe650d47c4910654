using Microsoft.Extensions.Logging;
using SocketChat.Protocol;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Events;
using SocketChat.Protocol.Text;
using SocketChat.Server.Accounts;
using SocketChat.Server.Logging;
using Microsoft.Extensions.Options;
using SocketChat.Server.Clients;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Sessions;

// Passwords: checks a login or an OPER, slowing an address that keeps failing, each check a place in the budget for
// expensive work, and never logs the password.
internal sealed class SessionLogin
{
    private readonly AccountStore _accounts;
    private readonly LoginThrottle _throttle;
    private readonly SessionLifecycle _lifecycle;
    private readonly IOptions<ChatOptions> _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<SessionLogin> _logger;

    public SessionLogin(AccountStore accounts, LoginThrottle throttle, SessionLifecycle lifecycle, IOptions<ChatOptions> options, TimeProvider clock, ILogger<SessionLogin> logger)
    {
        _accounts = accounts;
        _throttle = throttle;
        _lifecycle = lifecycle;
        _options = options;
        _clock = clock;
        _logger = logger;
    }

    // Whether anyone can become a server operator here (IRC: 491 when nobody can).
    public bool HasOperators => _options.Value.Operators.Count > 0 || _accounts.AnyOperator;

    // /oper NAME PASSWORD: an operator in Chat:Operators, or an account marked operator in the users file. Counted and
    // slowed per address like logins; a name that is no operator's costs the same check as a wrong password, so the
    // time of the answer tells nothing.
    public async Task<InvalidCommand?> OperAsync(ChatSession session, OperCommand command)
    {
        await WaitForTurnAsync(session, command.Cid, "operator logins");
        var hash = _options.Value.Operators.TryGetValue(command.Name, out var configured) ? configured : _accounts.OperatorHash(command.Name);
        bool? valid;
        try
        {
            valid = await _accounts.VerifyHashAsync(command.Password, hash, session.Address, session.ReadingStopped);
        }
        catch
        {
            _throttle.Ended(session.Address);
            throw;
        }

        if (valid is null)
        {
            _throttle.Ended(session.Address);
            return Busy(session, command.Cid, "operator logins");
        }

        if (valid == false)
        {
            var failures = _throttle.Failed(session.Address);
            ServerLog.OperFailed(_logger, session.Nick, session.RemoteEndPoint, failures);
            return new InvalidCommand(ErrorCodes.OperFailed, "wrong operator name or password", command.Cid);
        }

        _throttle.Ended(session.Address);
        session.ServerOperator = true;
        ServerLog.BecameOperator(_logger, session.Nick, $"oper {command.Name}");
        return null;
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

        await WaitForTurnAsync(session, login.Cid, "logins");
        Verification verified;
        try
        {
            verified = await _accounts.VerifyAsync(login.Name, login.Password, session.Address, session.ReadingStopped);
        }
        catch
        {
            _throttle.Ended(session.Address);
            throw;
        }

        if (verified.Busy)
        {
            _throttle.Ended(session.Address);
            return (null, Busy(session, login.Cid, "logins"));
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

    // Waits while the address has had too many failures lately, or has too many checks under way: counted from the
    // start (it must end with Failed or Ended); an attempt that had to wait asks again, since others may have gone
    // first meanwhile.
    private async Task WaitForTurnAsync(ChatSession session, string? cid, string what)
    {
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
                        ? $"too many {what} from your address at once; this attempt waits until the others are checked"
                        : $"too many failed {what} from your address; this attempt waits {seconds} s",
                    cid));
            }

            await Task.Delay(wait.Delay, _clock, session.ReadingStopped);
        }
    }

    // No place in the budget: refused at once, not counted as a guess.
    private InvalidCommand Busy(ChatSession session, string? cid, string what)
    {
        ServerLog.LoginBusy(_logger, session.RemoteEndPoint);
        return new InvalidCommand(ErrorCodes.Busy, $"the server is busy checking other {what}; try again in a few seconds", cid);
    }
}
