using SocketChat.Bench;

if (new BenchOptions(args).Text("--tls-cert", string.Empty) is { Length: > 0 } certificate)
{
    LineClient.Trusted = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(certificate);
}

return args switch
{
    ["store", .. var rest] => await StoreBenchmark.RunAsync(rest, Console.Out),
    ["search", .. var rest] => await SearchBenchmark.RunAsync(new BenchOptions(rest), Console.Out),
    ["fanout", .. var rest] => await ChatBenchmarks.FanoutAsync(new BenchOptions(rest), Console.Out),
    ["steady", .. var rest] => await ChatBenchmarks.SteadyAsync(new BenchOptions(rest), Console.Out),
    ["split", .. var rest] => await ChatBenchmarks.SplitAsync(new BenchOptions(rest), Console.Out),
    ["probe", .. var rest] => await Probe.RunAsync(new BenchOptions(rest)),
    ["conns", .. var rest] => await ConnectionBenchmark.RunAsync(new BenchOptions(rest), Console.Out),
    ["join", .. var rest] => await JoinBenchmark.RunAsync(new BenchOptions(rest), Console.Out),
    ["relay", .. var rest] => await Relay.RunAsync(new BenchOptions(rest), Console.Out),
    ["attack", .. var rest] => await AttackBenchmark.RunAsync(new BenchOptions(rest), Console.Out),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: SocketChat.Bench store  [--messages N] [--senders N] [--batch N] [--private]
               SocketChat.Bench search [--messages 100000] [--queries 200]   (the text index: its cost per message and per query)
               SocketChat.Bench fanout [--host H] [--port P] [--label L] [--clients 50] [--lines 1000] [--size 64]
                                       [--transport tcp|tls|ws] [--tls-cert server.crt]   (fanout, steady and conns)
               SocketChat.Bench steady [--host H] [--port P] [--label L] [--clients 100] [--rate 5] [--seconds 20] [--size 64]
               SocketChat.Bench split  [--host H] [--port P] [--receiver-ports P1,P2] [--label L] [--senders 10] [--receivers 40] [--lines 2000] [--rate 0] [--seconds 20] [--size 64]
               SocketChat.Bench conns  [--host H] [--port P] [--label L] --pid PID [--count 10000] [--hold SECONDS]
               SocketChat.Bench join   [--host H] [--port P] [--label L] [--joins 200] [--busy 20] [--rate 20]
               SocketChat.Bench relay  [--host H] [--port 0]   (the reference: a minimal lossless .NET line relay)
               SocketChat.Bench attack [--host H] [--port P] [--kind search|oper] [--attackers 10] [--seconds 10] [--fill 0]
                                       (another user's round trip while one address sends expensive requests)
        """);
    return 2;
}
