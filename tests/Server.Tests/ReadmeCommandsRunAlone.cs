namespace SocketChat.Server.Tests;

/// <summary>
/// The README's commands build the programs with <c>dotnet run</c>: one at a time, and apart from the tests whose
/// timing a build beside them would disturb.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReadmeCommandsRunAlone
{
    public const string Name = "readme";
}
