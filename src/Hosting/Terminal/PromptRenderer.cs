using System.Globalization;

namespace SocketChat.Hosting.Terminal;

/// <summary>
/// Draws the prompt line with VT100 sequences: an incoming line goes above it and the prompt, with whatever is
/// half typed, is drawn again below, so output never garbles input.
/// </summary>
public sealed class PromptRenderer(string prompt)
{
    // Carriage return, then erase the whole line.
    private const string ClearLine = "\r\u001b[2K";

    public string Prompt => prompt;

    public string Redraw(LineEditor editor)
    {
        var back = editor.Text.Length - editor.Cursor;
        var line = ClearLine + prompt + editor.Text;
        return back > 0 ? line + string.Create(CultureInfo.InvariantCulture, $"\u001b[{back}D") : line;
    }

    public string PrintAbove(string line, LineEditor editor) => ClearLine + line + "\r\n" + Redraw(editor);

    /// <summary>Leaves the submitted line on screen, as typed after the prompt, and starts a fresh prompt.</summary>
    public string Commit(string submitted, LineEditor editor) => ClearLine + prompt + submitted + "\r\n" + Redraw(editor);

    /// <summary>Removes the prompt line, for a clean screen on exit.</summary>
    public static string Clear => ClearLine;
}
