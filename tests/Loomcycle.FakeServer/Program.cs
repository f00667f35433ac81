using System;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle.FakeServer;

/// <summary>
/// Standalone mode: <c>dotnet run --project tests/Loomcycle.FakeServer -- --port 8787 [--token T] [--keepalive-ms N]
/// [--old] [--demo] [--no-store] [--no-pause] [--delta-delay-ms N] [--pause-ms N] [--run-state-lifetime-ms N]</c>.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var options = new FakeServerOptions { Port = 8787 };
        bool demo = false;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                int NextInt() => int.Parse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture);
                switch (args[i])
                {
                    case "--port": options.Port = NextInt(); break;
                    case "--token": options.Token = Next(); break;
                    case "--keepalive-ms": options.KeepaliveInterval = TimeSpan.FromMilliseconds(Math.Max(0, NextInt())); break;
                    case "--delta-delay-ms": options.TextDeltaDelay = TimeSpan.FromMilliseconds(NextInt()); break;
                    case "--pause-ms": options.PauseDuration = TimeSpan.FromMilliseconds(NextInt()); break;
                    case "--run-state-lifetime-ms": options.RunStateStreamLifetime = TimeSpan.FromMilliseconds(Math.Max(1, NextInt())); break;
                    case "--old": options.NewServer = false; break;
                    case "--no-store": options.StoreConfigured = false; break;
                    case "--no-pause": options.PauseConfigured = false; break;
                    case "--demo": demo = true; break;
                    case "--record-requests": options.RequestLogPath = Next(); break;
                    case "-h":
                    case "--help":
                        PrintUsage();
                        return 0;
                    default: throw new ArgumentException($"unknown argument {args[i]}");
                }
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine(ex.Message);
            PrintUsage();
            return 2;
        }

        await using FakeLoomcycleServer server = await FakeLoomcycleServer.StartAsync(options);
        if (demo) DemoData.Seed(server.State);

        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        Console.WriteLine($"Fake loomcycle server listening on http://127.0.0.1:{server.Port}");
        Console.WriteLine($"  mode: {(options.NewServer ? "NEW" : "OLD")}, auth: {(options.Token is null ? "open" : "bearer")}, " +
                          $"keepalive: {(options.KeepaliveInterval > TimeSpan.Zero ? options.KeepaliveInterval.TotalMilliseconds + " ms" : "off")}" +
                          (demo ? ", demo data seeded" : ""));
        Console.WriteLine($"  agents: {string.Join(", ", server.AgentNames)}");
        Console.WriteLine("  press Ctrl+C to stop");
        Console.Out.Flush();

        try { await Task.Delay(Timeout.Infinite, stop.Token); }
        catch (OperationCanceledException) { }
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await server.DisposeAsync();
        Console.WriteLine($"stopped in {watch.ElapsedMilliseconds} ms");
        return 0;
    }

    private static void PrintUsage()
    {
        Console.Error.WriteLine("usage: Loomcycle.FakeServer [--port N] [--token T] [--keepalive-ms N] [--old] [--demo] [--no-store] [--no-pause] [--delta-delay-ms N] [--pause-ms N] [--run-state-lifetime-ms N] [--record-requests FILE]");
    }
}
