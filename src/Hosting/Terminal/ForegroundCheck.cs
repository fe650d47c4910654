using System.Runtime.InteropServices;

namespace SocketChat.Hosting.Terminal;

// Whether this process owns the terminal on standard input: it is in the terminal's foreground process group. A
// job started with & is not, and the kernel stops one that reads from the terminal (or changes its
// settings) until it is brought back; so only a foreground process may read it.
internal static class ForegroundCheck
{
    private const int StandardInput = 0;

    public static bool IsForeground()
    {
        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        // No controlling terminal, or stdin is not one: -1; a background job: another group's id.
        var owner = TerminalProcessGroup(StandardInput);
        return owner > 0 && owner == ProcessGroup();
    }

    // DllImport rather than LibraryImport: two int functions need no marshalling, and no unsafe code in this library.
    [DllImport("libc", EntryPoint = "tcgetpgrp")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int TerminalProcessGroup(int descriptor);

    [DllImport("libc", EntryPoint = "getpgrp")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int ProcessGroup();
}
