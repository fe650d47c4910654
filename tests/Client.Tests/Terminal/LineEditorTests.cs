using SocketChat.Hosting.Terminal;

namespace SocketChat.Client.Tests.Terminal;

public sealed class LineEditorTests
{
    [Fact]
    public void Apply_TypingAndEnter_SubmitsLineAndClears()
    {
        var editor = new LineEditor();

        Type(editor, "hello");
        var outcome = editor.Apply(Key(ConsoleKey.Enter, '\r'), out var submitted);

        Assert.Equal(EditOutcome.Submitted, outcome);
        Assert.Equal("hello", submitted);
        Assert.Equal("", editor.Text);
        Assert.Equal(0, editor.Cursor);
    }

    [Fact]
    public void Apply_MovingAndEditing_InsertsAndDeletesAtCursor()
    {
        var editor = new LineEditor();
        Type(editor, "helo");

        editor.Apply(Key(ConsoleKey.LeftArrow), out _);
        Type(editor, "l");
        editor.Apply(Key(ConsoleKey.Home), out _);
        editor.Apply(Key(ConsoleKey.Delete), out _);
        Type(editor, "H");
        editor.Apply(Key(ConsoleKey.End), out _);
        editor.Apply(Key(ConsoleKey.Backspace), out _);
        Type(editor, "o!");

        Assert.Equal("Hello!", editor.Text);
        Assert.Equal(6, editor.Cursor);
    }

    [Fact]
    public void Apply_CtrlU_ClearsBeforeCursor()
    {
        var editor = new LineEditor();
        Type(editor, "drop keep");
        for (var i = 0; i < 4; i++)
        {
            editor.Apply(Key(ConsoleKey.LeftArrow), out _);
        }

        editor.Apply(Key(ConsoleKey.U, control: true), out _);

        Assert.Equal("keep", editor.Text);
        Assert.Equal(0, editor.Cursor);
    }

    [Fact]
    public void Apply_UpAndDown_WalkHistoryAndKeepDraft()
    {
        var editor = new LineEditor();
        Submit(editor, "first");
        Submit(editor, "second");
        Type(editor, "draft");

        editor.Apply(Key(ConsoleKey.UpArrow), out _);
        Assert.Equal("second", editor.Text);
        editor.Apply(Key(ConsoleKey.UpArrow), out _);
        Assert.Equal("first", editor.Text);
        Assert.Equal(EditOutcome.None, editor.Apply(Key(ConsoleKey.UpArrow), out _));
        editor.Apply(Key(ConsoleKey.DownArrow), out _);
        editor.Apply(Key(ConsoleKey.DownArrow), out _);

        Assert.Equal("draft", editor.Text);
    }

    [Fact]
    public void Apply_CtrlDOnEmptyLineOrCtrlC_EndsInput()
    {
        var editor = new LineEditor();

        Assert.Equal(EditOutcome.EndOfInput, editor.Apply(Key(ConsoleKey.D, control: true), out _));
        Type(editor, "x");
        Assert.Equal(EditOutcome.None, editor.Apply(Key(ConsoleKey.D, control: true), out _));
        Assert.Equal(EditOutcome.EndOfInput, editor.Apply(Key(ConsoleKey.C, control: true), out _));
    }

    [Fact]
    public void Apply_ControlCharacterKey_NotInserted()
    {
        var editor = new LineEditor();

        Assert.Equal(EditOutcome.None, editor.Apply(new ConsoleKeyInfo('\u001b', ConsoleKey.Escape, false, false, false), out _));
        Assert.Equal("", editor.Text);
    }

    private static void Type(LineEditor editor, string text)
    {
        foreach (var c in text)
        {
            editor.Apply(new ConsoleKeyInfo(c, ConsoleKey.NoName, false, false, false), out _);
        }
    }

    private static void Submit(LineEditor editor, string text)
    {
        Type(editor, text);
        editor.Apply(Key(ConsoleKey.Enter, '\r'), out _);
    }

    private static ConsoleKeyInfo Key(ConsoleKey key, char c = '\0', bool control = false) => new(c, key, false, false, control);
}
