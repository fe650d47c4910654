using System.Runtime.InteropServices;

namespace SocketChat.Server.Reloading;

// SIGHUP as a process started under nohup (or any parent that ignores it) inherits it: ignored, so the
// runtime's handler is never called and "reload" would silently do nothing. Taken back to its default just before
// the handler is registered, which then catches it: a hangup reloads the files and never ends the process.
internal static class HangupSignal
{
    private const int SigHup = 1;
    private static readonly nint Default = 0;
    private static readonly nint Ignore = 1;

    // Restores SIGHUP's default disposition; true when it had been ignored.
    public static bool TakeBack() => OperatingSystem.IsLinux() && Signal(SigHup, Default) == Ignore;

    // DllImport rather than LibraryImport: an int and a pointer-sized value need no marshalling, and no unsafe code.
    [DllImport("libc", EntryPoint = "signal")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint Signal(int signal, nint handler);
}
