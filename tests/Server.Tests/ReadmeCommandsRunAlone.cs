namespace SocketChat.Server.Tests;

// The README's commands build the programs with dotnet run: one at a time, and apart from the tests whose
// timing a build beside them would disturb.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReadmeCommandsRunAlone
{
    public const string Name = "readme";
}
