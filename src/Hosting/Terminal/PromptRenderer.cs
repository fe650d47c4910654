using System.Globalization;

namespace SocketChat.Hosting.Terminal;

// Draws the prompt line with VT100 sequences: an incoming line goes above it and the prompt, with whatever is
// half typed, is drawn again below, so output never garbles input.
public sealed class PromptRenderer(string prompt)
{
    private (string Prompt, bool Secret)? _question;

    // Carriage return, then erase the whole line.
    private const string ClearLine = "\r\u001b[2K";

    public string Prompt => prompt;

    // Until the next line is submitted, shows question instead of the prompt; a secret line is not drawn.
    public void Ask(string question, bool secret) => _question = (question, secret);

    // The question was withdrawn unanswered: the usual prompt again.
    public void EndQuestion() => _question = null;

    public string Redraw(LineEditor editor)
    {
        if (_question is { } question)
        {
            // A secret shows neither its characters nor how many there are.
            return question.Secret ? ClearLine + question.Prompt : ClearLine + question.Prompt + editor.Text + Back(editor);
        }

        return ClearLine + prompt + editor.Text + Back(editor);
    }

    public string PrintAbove(string line, LineEditor editor) => ClearLine + line + "\r\n" + Redraw(editor);

    // Leaves the submitted line on screen, as typed after the prompt, and starts a fresh prompt.
    public string Commit(string submitted, LineEditor editor)
    {
        var shown = _question is { } question ? question.Prompt + (question.Secret ? string.Empty : submitted) : prompt + submitted;
        _question = null;
        return ClearLine + shown + "\r\n" + Redraw(editor);
    }

    private static string Back(LineEditor editor)
    {
        var back = editor.Text.Length - editor.Cursor;
        return back > 0 ? string.Create(CultureInfo.InvariantCulture, $"\u001b[{back}D") : string.Empty;
    }

    // Removes the prompt line, for a clean screen on exit.
    public static string Clear => ClearLine;
}
