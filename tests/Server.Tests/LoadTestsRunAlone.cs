namespace SocketChat.Server.Tests;

// Tests that load the machine on purpose (hundreds of connections, floods of random bytes) run alone, so they
// neither starve the timing of other tests nor are starved themselves on a 2-core machine.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadTestsRunAlone
{
    public const string Name = "load";
}
