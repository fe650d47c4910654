using Microsoft.Playwright;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Web;

// Debian's chromium, headless, driven by Playwright: one browser for the class, a context per page.
[Trait("Category", "Slow")]
public sealed class ChromiumFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        // The system's browser (no download); as root it runs without its sandbox. Its local network access checks
        // would stop a test's made-up site from reaching the server on loopback before the server could refuse it.
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessRespectPreflightResults"],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

// The browser client in a real Chromium, with nc users in the same rooms.
public sealed class BrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IDisposable
{
    private static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static Task<TestServer> StartAsync(Dictionary<string, string?>? more = null) =>
        TestServer.StartAsync(new() { ["Chat:Web:Port"] = "0" }, more);

    private async Task<IPage> OpenAsync(TestServer server, ViewportSize? viewport = null, ColorScheme scheme = ColorScheme.Light)
    {
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = viewport ?? new() { Width = 1100, Height = 700 }, ColorScheme = scheme });
        context.SetDefaultTimeout((float)TestTimeouts.Default.TotalMilliseconds);
        var page = await context.NewPageAsync();
        await page.GotoAsync(server.WebUrl.ToString());
        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("connected");
        return page;
    }

    private static async Task SayAsync(IPage page, string text)
    {
        await page.Locator("#input").FillAsync(text);
        await page.Locator("#input").PressAsync("Enter");
    }

    // Lines of the conversation whose text (its time aside) is exactly this.
    private static ILocator Lines(IPage page, string text) =>
        page.Locator("#messages li .body").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex($"^{System.Text.RegularExpressions.Regex.Escape(text)}$") });

    [Fact]
    public async Task Moderation_TopicInTheHeader_OperatorMarks_KickBanMuteFromThePeopleList_NonOperatorRefused()
    {
        await using var server = await StartAsync();
        var page = await OpenAsync(server);
        await SayAsync(page, "/nick alice");
        await Assertions.Expect(page.Locator("#where")).ToHaveTextAsync("alice in lobby");
        await SayAsync(page, "/join den");
        await Assertions.Expect(page.Locator("#where")).ToHaveTextAsync("alice in den");
        await Assertions.Expect(page.Locator("#who li[data-role=owner] .nick")).ToHaveTextAsync("~alice");

        await using var bob = await server.ConnectAsAsync("bob");
        await bob.SendAsync("/join den");
        await using var carol = await server.ConnectAsAsync("carol");
        await carol.SendAsync("/join den");
        await Assertions.Expect(page.Locator("#who li")).ToHaveCountAsync(3);

        await SayAsync(page, "/topic Quiet hours after ten");
        await Assertions.Expect(page.Locator("#topic")).ToHaveTextAsync("— Quiet hours after ten");
        Assert.Equal("* alice set the topic of den: Quiet hours after ten", await bob.ExpectAsync(line => line.Contains("topic", StringComparison.Ordinal)));

        // An operator gets kick, ban and mute beside everyone else.
        var bobEntry = page.Locator("#who li").Filter(new() { HasText = "bob" });
        await bobEntry.Locator("button.mute").ClickAsync();
        Assert.Equal("* alice muted bob!*@* in den", await bob.ExpectAsync(line => line.Contains("muted", StringComparison.Ordinal)));
        await bob.SendAsync("hello?");
        Assert.Equal("! error: you are muted in den", await bob.ExpectAsync(line => line.StartsWith('!')));
        await bobEntry.Locator("button.kick").ClickAsync();
        Assert.Equal("* bob was kicked from den by alice", await bob.ExpectAsync(line => line.Contains("kicked", StringComparison.Ordinal)));
        await Assertions.Expect(Lines(page, "bob was kicked from den by alice")).ToHaveCountAsync(1);
        await page.Locator("#who li").Filter(new() { HasText = "carol" }).Locator("button.ban").ClickAsync();
        await carol.ExpectAsync(line => line == "* carol was kicked from den by alice: banned");
        await carol.SendAsync("/join den");
        Assert.Equal("! error: you are banned from den", await carol.ExpectAsync(line => line.StartsWith('!')));
        await Assertions.Expect(page.Locator("#who li")).ToHaveCountAsync(1);

        // A page that is no operator has no buttons, and its /kick is refused.
        var other = await OpenAsync(server);
        await SayAsync(other, "/join den");
        await Assertions.Expect(other.Locator("#topic")).ToHaveTextAsync("— Quiet hours after ten");
        await Assertions.Expect(other.Locator("#who li")).ToHaveCountAsync(2);
        await Assertions.Expect(other.Locator("#who button")).ToHaveCountAsync(0);
        await SayAsync(other, "/kick alice");
        await Assertions.Expect(other.Locator("#messages li.error").Last).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("you are not an operator of den$"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "moderation.png") });
    }

    [Fact]
    public async Task TwoPagesAndAnNcUser_OneRoom_EachLineArrivesOnce_APageSeesHistory()
    {
        await using var server = await StartAsync();
        await using var nc = await server.ConnectAsAsync("bob");
        await nc.SendAsync("said before the pages came");
        await server.WaitUntilStoredAsync("said before the pages came");

        var first = await OpenAsync(server);
        await Assertions.Expect(Lines(first, "bob: said before the pages came")).ToHaveCountAsync(1);
        await Assertions.Expect(first.Locator("#messages li.history")).ToHaveCountAsync(1);
        var firstNick = (await nc.ReadLineAsync())!.Split(' ')[1];
        var second = await OpenAsync(server);
        var secondNick = (await nc.ReadLineAsync())!.Split(' ')[1];

        await SayAsync(first, "hello from the first page");
        Assert.Equal($"{firstNick}: hello from the first page", await nc.ReadLineAsync());
        await Assertions.Expect(Lines(second, $"{firstNick}: hello from the first page")).ToHaveCountAsync(1);
        await SayAsync(second, "/nick carol");
        Assert.Equal($"* {secondNick} is now known as carol", await nc.ReadLineAsync());
        await SayAsync(second, "and from carol");
        Assert.Equal("carol: and from carol", await nc.ReadLineAsync());
        await nc.SendAsync("hello pages");
        await Assertions.Expect(Lines(first, "bob: hello pages")).ToHaveCountAsync(1);
        await Assertions.Expect(Lines(second, "bob: hello pages")).ToHaveCountAsync(1);
        await Assertions.Expect(Lines(first, "carol: and from carol")).ToHaveCountAsync(1);

        // Who is here, and a private line.
        await Assertions.Expect(first.Locator("#who li")).ToHaveTextAsync(["bob", "carol", firstNick]);
        await SayAsync(first, "/msg bob just you");
        Assert.Equal($"[private] {firstNick}: just you", await nc.ReadLineAsync());
        await nc.SendAsync($"/msg {firstNick} and you");
        await Assertions.Expect(Lines(first, "[private] bob: and you")).ToHaveCountAsync(1);
        await Assertions.Expect(first.Locator("#waiting")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task HelpedCommands_HistoryShowsTheLastLinesAgain_NickAndJoinWithoutANameSayHowToUseThem()
    {
        await using var server = await StartAsync();
        await using var nc = await server.ConnectAsAsync("bob");
        var page = await OpenAsync(server);
        foreach (var text in new[] { "one", "two", "three" })
        {
            await nc.SendAsync(text);
            await Assertions.Expect(Lines(page, $"bob: {text}")).ToHaveCountAsync(1);
        }

        await SayAsync(page, "/history 2");
        await Assertions.Expect(page.Locator("#messages li.history .body")).ToHaveTextAsync([new System.Text.RegularExpressions.Regex("bob: two$"), new System.Text.RegularExpressions.Regex("bob: three$")]);
        await Assertions.Expect(Lines(page, "bob: one")).ToHaveCountAsync(1);

        await SayAsync(page, "/nick");
        await Assertions.Expect(page.Locator("#messages li.error").Last).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("usage: /nick NAME$"));
        await SayAsync(page, "/join");
        await Assertions.Expect(page.Locator("#messages li.error").Last).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("usage: /join ROOM$"));
        await SayAsync(page, "/ping");
        await Assertions.Expect(page.Locator("#messages li.notice").Last).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("pong$"));
        await SayAsync(page, "/help");
        await Assertions.Expect(page.Locator("#messages li.notice", new() { HasText = "this page:" })).ToContainTextAsync("/history [N]");
    }

    [Fact]
    public async Task MarkupFromAnNcUser_ShownAsText_NothingRuns()
    {
        await using var server = await StartAsync();
        await using var nc = await server.ConnectAsAsync("mallory");
        var page = await OpenAsync(server);
        var dialogs = 0;
        page.Dialog += (_, dialog) =>
        {
            dialogs++;
            _ = dialog.DismissAsync();
        };

        const string Markup = "<script>document.title='owned'</script><img src=x onerror=\"alert(1)\"><b>bold</b>";
        await nc.SendAsync(Markup);

        await Assertions.Expect(Lines(page, $"mallory: {Markup}")).ToHaveCountAsync(1);
        Assert.Equal(0, await page.Locator("#messages script, #messages img, #messages b").CountAsync());
        Assert.Equal("lobby · SocketChat", await page.TitleAsync());
        Assert.Equal(0, dialogs);
    }

    [Fact]
    public async Task ServerRestartsMidConversation_ThePageResumes_WhatItTypedMeanwhileArrivesOnce_WhatItMissedShownOnce()
    {
        var settings = new Dictionary<string, string?> { ["Chat:Web:Port"] = "0", ["Chat:DataDirectory"] = _data.Path };
        var server = await TestServer.StartAsync(settings);
        IPage page;
        int chatPort, webPort;
        try
        {
            (chatPort, webPort) = (server.Port, server.WebUrl.Port);
            page = await OpenAsync(server);
            await SayAsync(page, "before the restart");
            await server.WaitUntilStoredAsync("before the restart");
        }
        finally
        {
            await server.DisposeAsync();
        }

        // Offline: the page keeps what is typed and says how much waits.
        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("reconnecting…");
        await SayAsync(page, "typed while the server was down");
        await SayAsync(page, "and a second line");
        await Assertions.Expect(page.Locator("#waiting")).ToHaveTextAsync("2 lines waiting");
        await page.Locator("#input").FillAsync("a draft not yet sent");

        settings["Chat:Port"] = chatPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Chat:Web:Port"] = webPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var restarted = await TestServer.StartAsync(settings);
        await using var nc = await restarted.ConnectAsAsync("bob");
        await nc.SendAsync("said while the page was away");

        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("connected", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#waiting")).ToBeHiddenAsync();
        await Assertions.Expect(Lines(page, "bob: said while the page was away")).ToHaveCountAsync(1);
        await restarted.WaitUntilStoredAsync("and a second line");
        Assert.Single(restarted.Log.Events, e => e.RenderMessage().EndsWith(": \"typed while the server was down\"", StringComparison.Ordinal));
        Assert.Single(restarted.Log.Events, e => e.RenderMessage().EndsWith(": \"and a second line\"", StringComparison.Ordinal));
        Assert.Equal("a draft not yet sent", await page.Locator("#input").InputValueAsync());
        await Assertions.Expect(page.Locator("#messages li.mine")).ToHaveCountAsync(3);
    }

    [Fact]
    public async Task PageReloaded_ResumesAsItself_WhatItMissedShownOnce_TheSearchBoxFindsWhatWasSaid()
    {
        await using var server = await StartAsync();
        var page = await OpenAsync(server);
        await SayAsync(page, "/nick carol");
        await Assertions.Expect(page.Locator("#where")).ToHaveTextAsync("carol in lobby");
        await using var bob = await server.ConnectAsAsync("bob");
        await bob.SendAsync("before the page went away");
        await Assertions.Expect(Lines(page, "bob: before the page went away")).ToHaveCountAsync(1);

        // Away (its connection closed), then back in the same tab: itself again, shown only what it missed.
        await page.GotoAsync("about:blank");
        await server.Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Client {Nick} disconnected", StringComparison.Ordinal) && e.RenderMessage().Contains("carol", StringComparison.Ordinal));
        await bob.SendAsync("said while the page was away");
        await server.WaitUntilStoredAsync("said while the page was away");
        await page.GotoAsync(server.WebUrl.ToString());

        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("connected");
        await Assertions.Expect(page.Locator("#where")).ToHaveTextAsync("carol in lobby");
        await Assertions.Expect(Lines(page, "bob: said while the page was away")).ToHaveCountAsync(1);
        await Assertions.Expect(Lines(page, "bob: before the page went away")).ToHaveCountAsync(0);
        await bob.SendAsync("and live after");
        await Assertions.Expect(Lines(page, "bob: and live after")).ToHaveCountAsync(1);
        Assert.Single(server.Log.Events, e => e.MessageTemplate.Text.StartsWith("Client {Nick} resumed", StringComparison.Ordinal) && e.RenderMessage().StartsWith("Client \"carol\"", StringComparison.Ordinal));

        await page.Locator("#search-text").FillAsync("away");
        await page.Locator("#search-text").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#messages li.found")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#messages li.found").First).ToContainTextAsync("bob: said while the page was away");
        await Assertions.Expect(page.Locator("#messages li.notice").Last).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("2 found for \"away\"$"));
    }

    [Fact]
    public async Task AnotherSitesPage_CannotOpenTheWebSocket()
    {
        await using var server = await StartAsync();
        var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        // A page from another site, made up by the test itself (Playwright answers for it: no request leaves this
        // machine), opens the chat's socket as a hostile page would.
        const string Elsewhere = "http://elsewhere.example";
        await page.RouteAsync($"{Elsewhere}/**", route => route.FulfillAsync(new() { ContentType = "text/html", Body = "<!doctype html><title>elsewhere</title>" }));
        await page.GotoAsync($"{Elsewhere}/");
        var outcome = await page.EvaluateAsync<string>(
            """
            url => new Promise(resolve => {
              const socket = new WebSocket(url);
              socket.onopen = () => resolve("opened");
              socket.onclose = event => resolve(`closed ${event.code}`);
            })
            """,
            $"ws://{server.WebUrl.Authority}/ws").WaitAsync(TestTimeouts.Default);

        Assert.Equal("closed 1006", outcome);
        await server.Log.WaitForAsync(e => e.RenderMessage().EndsWith($"refused: origin \"{Elsewhere}\" is not allowed", StringComparison.Ordinal));
        await context.DisposeAsync();
    }

    [Fact]
    public async Task Accounts_ThePageAsksToLogIn_ThenChatsUnderTheAccountName()
    {
        TestAccounts.Write(_data.File("users.txt"), ("alice", "correct horse"));
        await using var server = await StartAsync(new() { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path });
        var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(server.WebUrl.ToString());

        await Assertions.Expect(page.Locator("#login")).ToBeVisibleAsync();
        await page.Locator("#login-name").FillAsync("alice");
        await page.Locator("#login-password").FillAsync("wrong");
        await page.Locator("#login-password").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#messages li.error")).ToContainTextAsync("wrong account name or password");
        await page.Locator("#login-password").FillAsync("correct horse");
        await page.Locator("#login-password").PressAsync("Enter");

        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("connected");
        await Assertions.Expect(page.Locator("#where")).ToHaveTextAsync("alice in lobby");
        await Assertions.Expect(page.Locator("#login")).ToBeHiddenAsync();
        await context.DisposeAsync();
    }

    [Fact]
    public async Task Screenshots_DesktopAndPhone_LightAndDark()
    {
        await using var server = await StartAsync();
        await using var nc = await server.ConnectAsAsync("bob");
        await nc.SendAsync("welcome, browser people");
        await server.WaitUntilStoredAsync("welcome, browser people");
        Directory.CreateDirectory(Screenshots);

        foreach (var (name, viewport) in new[] { ("desktop", new ViewportSize { Width = 1100, Height = 700 }), ("phone", new ViewportSize { Width = 390, Height = 760 }) })
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var page = await OpenAsync(server, viewport, scheme);
                await SayAsync(page, $"hello from a {name} in {scheme.ToString().ToLowerInvariant()}");
                await nc.ExpectAsync(line => line.EndsWith($"hello from a {name} in {scheme.ToString().ToLowerInvariant()}", StringComparison.Ordinal));
                await nc.SendAsync("/me waves");
                await Assertions.Expect(page.Locator("#messages li").Last).ToContainTextAsync("* bob waves");
                await Assertions.Expect(page.Locator("#waiting")).ToBeHiddenAsync();
                var file = Path.Combine(Screenshots, $"web-{name}-{scheme.ToString().ToLowerInvariant()}.png");
                await page.ScreenshotAsync(new() { Path = file });
                Assert.True(new FileInfo(file).Length > 5_000, file);
                await page.Context.DisposeAsync();
            }
        }
    }
}
