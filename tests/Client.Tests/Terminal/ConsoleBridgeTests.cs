using SocketChat.Client.Tests.Infrastructure;
using SocketChat.Hosting.Terminal;
using SocketChat.TestSupport;

namespace SocketChat.Client.Tests.Terminal;

public sealed class ConsoleBridgeTests
{
    private const string Clear = "\r\u001b[2K";

    [Fact]
    public async Task IncomingLine_WhileTyping_PrintedAboveAndHalfTypedLineRedrawn()
    {
        var terminal = new FakeTerminal();
        await using var bridge = new ConsoleBridge(terminal, " You: ");
        _ = bridge.Input;
        terminal.Type("half");
        await terminal.WaitForEndingAsync(Clear + " You: half");

        await bridge.Output.WriteAsync("bob: hi there");

        await terminal.WaitForEndingAsync(Clear + "bob: hi there\r\n" + Clear + " You: half");
    }

    [Fact]
    public async Task IncomingLine_CursorInsideLine_CursorPutBack()
    {
        var terminal = new FakeTerminal();
        await using var bridge = new ConsoleBridge(terminal, " You: ");
        _ = bridge.Input;
        terminal.Type("abcd");
        terminal.Press(ConsoleKey.LeftArrow);
        terminal.Press(ConsoleKey.LeftArrow);
        await terminal.WaitForEndingAsync(" You: abcd\u001b[2D");

        await bridge.Output.WriteAsync("news");

        await terminal.WaitForEndingAsync("news\r\n" + Clear + " You: abcd\u001b[2D");
    }

    [Fact]
    public async Task Enter_LineKeptOnScreenAndDelivered()
    {
        var terminal = new FakeTerminal();
        await using var bridge = new ConsoleBridge(terminal, " You: ");

        terminal.Type("hello\n");

        Assert.Equal("hello", await bridge.Input.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default));
        await terminal.WaitForEndingAsync(Clear + " You: hello\r\n" + Clear + " You: ");
    }

    [Fact]
    public async Task CtrlD_OnEmptyLine_CompletesInput()
    {
        var terminal = new FakeTerminal();
        await using var bridge = new ConsoleBridge(terminal, " You: ");

        _ = bridge.Input;
        terminal.Press(ConsoleKey.D, control: true);

        await bridge.Input.Completion.WaitAsync(TestTimeouts.Default);
    }

    [Fact]
    public async Task NotATerminal_PlainLinesWithoutPromptOrEscapes()
    {
        var terminal = new FakeTerminal(redirected: true);
        await using (var bridge = new ConsoleBridge(terminal, " You: "))
        {
            await bridge.Output.WriteAsync("alice: one");
            await bridge.Output.WriteAsync("bob: two");
        }

        Assert.Equal("alice: one" + Environment.NewLine + "bob: two" + Environment.NewLine, terminal.Written);
        Assert.False(new ConsoleBridge(terminal, " You: ").IsEditing);
    }

    [Fact]
    public async Task AskSecret_TypedPasswordNeverDrawn_NeverInput_NotInHistory_PromptComesBack()
    {
        var terminal = new FakeTerminal();
        await using var bridge = new ConsoleBridge(terminal, " You: ");
        _ = bridge.Input;
        await terminal.WaitForEndingAsync(Clear + " You: ");

        var asking = bridge.AskAsync("Password for alice: ", secret: true, CancellationToken.None);
        await terminal.WaitForEndingAsync(Clear + "Password for alice: ");
        terminal.Type("hunter22\n");

        Assert.Equal("hunter22", await asking.WaitAsync(TestTimeouts.Default));
        await terminal.WaitForEndingAsync(Clear + "Password for alice: \r\n" + Clear + " You: ");
        terminal.Press(ConsoleKey.UpArrow);
        terminal.Type("x");
        await terminal.WaitForEndingAsync(Clear + " You: x");
        Assert.DoesNotContain("hunter", terminal.Written, StringComparison.Ordinal);
        Assert.False(bridge.Input.TryRead(out _));
    }

    [Fact]
    public async Task AskVisible_AnswerShownAfterTheQuestion()
    {
        var terminal = new FakeTerminal();
        await using var bridge = new ConsoleBridge(terminal, " You: ");
        _ = bridge.Input;
        await terminal.WaitForEndingAsync(Clear + " You: ");

        var asking = bridge.AskAsync("Account: ", secret: false, CancellationToken.None);
        await terminal.WaitForEndingAsync(Clear + "Account: ");
        terminal.Type("alice\n");

        Assert.Equal("alice", await asking.WaitAsync(TestTimeouts.Default));
        await terminal.WaitForEndingAsync(Clear + "Account: alice\r\n" + Clear + " You: ");
    }

    [Fact]
    public async Task Ask_LineSubmittedBeforeTheQuestionShowed_IsInputNotTheAnswer()
    {
        var terminal = new FakeTerminal();
        await using var bridge = new ConsoleBridge(terminal, " You: ");
        terminal.Type("typed too early\n");
        Assert.Equal("typed too early", await bridge.Input.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default));

        var asking = bridge.AskAsync("Password for alice: ", secret: true, CancellationToken.None);
        await terminal.WaitForEndingAsync(Clear + "Password for alice: ");
        Assert.False(asking.IsCompleted);
        terminal.Type("the password\n");

        Assert.Equal("the password", await asking.WaitAsync(TestTimeouts.Default));
    }

    [Fact]
    public async Task Ask_HalfTypedChatLine_PutAsideWhileAsked_ThenBack()
    {
        var terminal = new FakeTerminal();
        await using var bridge = new ConsoleBridge(terminal, " You: ");
        _ = bridge.Input;
        terminal.Type("half a thought");
        await terminal.WaitForEndingAsync(Clear + " You: half a thought");

        var asking = bridge.AskAsync("Password for alice: ", secret: true, CancellationToken.None);
        await terminal.WaitForEndingAsync(Clear + "Password for alice: ");
        terminal.Type("pw\n");

        Assert.Equal("pw", await asking.WaitAsync(TestTimeouts.Default));
        await terminal.WaitForEndingAsync(Clear + " You: half a thought");
    }

    [Fact]
    public async Task Ask_CtrlCOrCancelled_NullAndTheChatPromptBack()
    {
        var terminal = new FakeTerminal();
        await using var bridge = new ConsoleBridge(terminal, " You: ");
        _ = bridge.Input;
        await terminal.WaitForEndingAsync(Clear + " You: ");
        using var leaving = new CancellationTokenSource();

        var cancelled = bridge.AskAsync("Account: ", secret: false, leaving.Token);
        await terminal.WaitForEndingAsync(Clear + "Account: ");
        await leaving.CancelAsync();
        Assert.Null(await cancelled.WaitAsync(TestTimeouts.Default));
        await terminal.WaitForEndingAsync(Clear + " You: ");

        var interrupted = bridge.AskAsync("Password for alice: ", secret: true, CancellationToken.None);
        await terminal.WaitForEndingAsync(Clear + "Password for alice: ");
        terminal.Press(ConsoleKey.C, control: true);
        Assert.Null(await interrupted.WaitAsync(TestTimeouts.Default));
        await bridge.Input.Completion.WaitAsync(TestTimeouts.Default);
    }
}
