using SocketChat.Bench;

return args switch
{
    ["store", .. var rest] => await StoreBenchmark.RunAsync(rest, Console.Out),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: SocketChat.Bench store [--messages N] [--senders N] [--batch N]");
    return 2;
}
