using System.Text;

namespace SocketChat.Hosting.Terminal;

// The line being typed: insertion at the cursor, Backspace/Delete, Left/Right, Home/End (Ctrl+A/E), Ctrl+U,
// and history with Up/Down. Pure state; PromptRenderer draws it.
public sealed class LineEditor
{
    private const int HistoryLimit = 500;
    private readonly StringBuilder _text = new();
    private readonly List<string> _history = [];
    private int _historyIndex;
    private string _draft = string.Empty;

    public string Text => _text.ToString();

    // False while typing a secret: the submitted line is not kept in history.
    public bool Remember { get; set; } = true;

    // The cursor position, in characters from the start of the line.
    public int Cursor { get; private set; }

    public EditOutcome Apply(ConsoleKeyInfo key, out string? submitted)
    {
        submitted = null;
        var control = (key.Modifiers & ConsoleModifiers.Control) != 0;
        switch (key.Key)
        {
            case ConsoleKey.Enter:
                submitted = Submit();
                return EditOutcome.Submitted;
            case ConsoleKey.C when control:
                return EditOutcome.EndOfInput;
            case ConsoleKey.D when control:
                if (_text.Length == 0)
                {
                    return EditOutcome.EndOfInput;
                }

                return Delete();
            case ConsoleKey.Backspace:
                if (Cursor == 0)
                {
                    return EditOutcome.None;
                }

                _text.Remove(--Cursor, 1);
                return EditOutcome.Changed;
            case ConsoleKey.Delete:
                return Delete();
            case ConsoleKey.LeftArrow:
                return MoveTo(Cursor - 1);
            case ConsoleKey.RightArrow:
                return MoveTo(Cursor + 1);
            case ConsoleKey.Home:
            case ConsoleKey.A when control:
                return MoveTo(0);
            case ConsoleKey.End:
            case ConsoleKey.E when control:
                return MoveTo(_text.Length);
            case ConsoleKey.U when control:
                _text.Remove(0, Cursor);
                Cursor = 0;
                return EditOutcome.Changed;
            case ConsoleKey.UpArrow:
                return Recall(_historyIndex - 1);
            case ConsoleKey.DownArrow:
                return Recall(_historyIndex + 1);
        }

        if (control || char.IsControl(key.KeyChar) || key.KeyChar == '\0')
        {
            return EditOutcome.None;
        }

        _text.Insert(Cursor++, key.KeyChar);
        return EditOutcome.Changed;
    }

    // Empties the line, returning what it held (put aside while a question is answered).
    public string TakeText()
    {
        var text = _text.ToString();
        _text.Clear();
        Cursor = 0;
        return text;
    }

    // Puts back a line put aside, the cursor at its end.
    public void Restore(string text)
    {
        _text.Clear().Append(text);
        Cursor = _text.Length;
    }

    private string Submit()
    {
        var line = _text.ToString();
        if (Remember && line.Length > 0 && (_history.Count == 0 || _history[^1] != line))
        {
            _history.Add(line);
            if (_history.Count > HistoryLimit)
            {
                _history.RemoveAt(0);
            }
        }

        _historyIndex = _history.Count;
        _draft = string.Empty;
        _text.Clear();
        Cursor = 0;
        return line;
    }

    private EditOutcome Delete()
    {
        if (Cursor >= _text.Length)
        {
            return EditOutcome.None;
        }

        _text.Remove(Cursor, 1);
        return EditOutcome.Changed;
    }

    private EditOutcome MoveTo(int position)
    {
        var clamped = Math.Clamp(position, 0, _text.Length);
        if (clamped == Cursor)
        {
            return EditOutcome.None;
        }

        Cursor = clamped;
        return EditOutcome.Changed;
    }

    // Up from the line being typed keeps it as a draft, so Down past the newest entry brings it back.
    private EditOutcome Recall(int index)
    {
        if (index < 0 || index > _history.Count || index == _historyIndex)
        {
            return EditOutcome.None;
        }

        if (_historyIndex == _history.Count)
        {
            _draft = _text.ToString();
        }

        _historyIndex = index;
        _text.Clear().Append(index == _history.Count ? _draft : _history[index]);
        Cursor = _text.Length;
        return EditOutcome.Changed;
    }
}
