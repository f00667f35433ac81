using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Security;
using System.Text.RegularExpressions;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>
    /// Keeps docs/cmdlet-routes.md true: every exported cmdlet has a row, every engine method named exists and is called
    /// in the cmdlet's source, and each row's command, run against the fake server, sends exactly the routes listed.
    /// </summary>
    public sealed class CmdletRouteTableTests : IClassFixture<ServerAndSession>
    {
        private const string NoRequest = "—";
        private static readonly string TablePath = Path.Combine(PowerShellSession.RepositoryRoot, "docs", "cmdlet-routes.md");

        private readonly ServerAndSession _fixture;

        public CmdletRouteTableTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.Reset();
        }

        public static IEnumerable<object[]> Rows() => ReadRows().Select((row, index) => new object[] { index, row.Cmdlet, row.Sample });

        [Fact]
        public void EveryExportedCmdletHasARowAndEveryRowNamesAnExportedCmdlet()
        {
            var exported = _fixture.Session.Run("(Get-Module Loomcycle).ExportedCmdlets.Keys").ThrowIfErrors().Output.Select(o => o.BaseObject.ToString()!).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var documented = ReadRows().Select(r => r.Cmdlet).ToHashSet(StringComparer.OrdinalIgnoreCase);

            Assert.Empty(exported.Except(documented, StringComparer.OrdinalIgnoreCase).OrderBy(c => c)); // cmdlets missing from docs/cmdlet-routes.md
            Assert.Empty(documented.Except(exported, StringComparer.OrdinalIgnoreCase).OrderBy(c => c)); // rows for cmdlets the module does not export
        }

        [Fact]
        public void EveryEngineMethodExistsAndTheCmdletCallsIt()
        {
            // The tests see the module only through PowerShell: the engine type comes from the loaded module.
            var connectionType = (Type)_fixture.Session.Run("[Loomcycle.LoomcycleConnection]").ThrowIfErrors().Output.Single().BaseObject;
            var problems = new List<string>();
            foreach (Row row in ReadRows())
            {
                string source = CmdletSource(row.Cmdlet);
                foreach (string method in row.Methods)
                {
                    if (method == NoRequest || method.StartsWith("LoomcycleConnection(", StringComparison.Ordinal))
                    {
                        if (method != NoRequest && !source.Contains("new LoomcycleConnection(", StringComparison.Ordinal))
                        {
                            problems.Add($"{row.Cmdlet}: does not construct a LoomcycleConnection");
                        }

                        continue;
                    }

                    if (connectionType.GetMethod(method, BindingFlags.Public | BindingFlags.Instance) is null)
                    {
                        problems.Add($"{row.Cmdlet}: LoomcycleConnection has no public method {method}");
                    }
                    else if (!source.Contains("." + method + "(", StringComparison.Ordinal))
                    {
                        problems.Add($"{row.Cmdlet}: its source does not call {method}");
                    }
                }
            }

            Assert.Empty(problems);
        }

        [Theory]
        [MemberData(nameof(Rows))]
        public void TheCommandSendsExactlyTheListedRoutes(int row, string cmdlet, string sample)
        {
            Row expected = ReadRows()[row];
            Assert.Equal(cmdlet, expected.Cmdlet);
            DirectoryInfo folder = Directory.CreateTempSubdirectory("lc-routes-");
            try
            {
                string envelopeFile = Path.Combine(folder.FullName, "envelope.json");
                File.WriteAllText(envelopeFile, "{\"schema_version\":1,\"sections\":{}}");
                string exportFolder = Directory.CreateDirectory(Path.Combine(folder.FullName, "export")).FullName;
                var token = new SecureString();
                foreach (char c in "route-table-token")
                {
                    token.AppendChar(c);
                }

                _fixture.Server.ClearRequests();
                _fixture.Session.Run(sample, new Dictionary<string, object?>
                {
                    ["url"] = _fixture.Server.BaseUri.ToString(),
                    ["folder"] = exportFolder,
                    ["envelopeFile"] = envelopeFile,
                    ["token"] = token,
                }); // errors are fine (unknown ids): only the routes matter

                var sent = _fixture.Server.Requests.Select(r => r.Method + " " + r.RawTarget.Split('?')[0]).Distinct().ToList();
                var listed = expected.Routes.Where(r => r != NoRequest).ToList();
                Assert.True(
                    sent.Count == listed.Count && listed.All(template => sent.Any(s => Matches(template, s))),
                    $"{sample}\n  sent:   {string.Join(", ", sent)}\n  listed: {string.Join(", ", listed)}");
            }
            finally
            {
                folder.Delete(recursive: true);
            }
        }

        private static bool Matches(string template, string sent)
        {
            string pattern = "^" + Regex.Replace(Regex.Escape(template), @"\\\{[^}]*}", "[^/]+") + "$";
            return Regex.IsMatch(sent, pattern);
        }

        private static string CmdletSource(string cmdlet)
        {
            string[] parts = cmdlet.Split('-');
            string file = Path.Combine(PowerShellSession.RepositoryRoot, "src", "Loomcycle.PowerShell", "Commands", parts[0] + parts[1] + "Command.cs");
            return File.Exists(file) ? File.ReadAllText(file) : string.Empty;
        }

        private static List<Row> ReadRows()
        {
            var rows = new List<Row>();
            foreach (string line in File.ReadAllLines(TablePath))
            {
                if (!line.StartsWith("| `", StringComparison.Ordinal))
                {
                    continue;
                }

                string[] cells = line.Trim().Trim('|').Split(" | ").Select(c => c.Trim()).ToArray();
                Assert.True(cells.Length == 4, "A row of docs/cmdlet-routes.md needs 4 cells: " + line);
                rows.Add(new Row(Code(cells[0]), Split(cells[1]), Split(cells[2]), Code(cells[3])));
            }

            Assert.NotEmpty(rows);
            return rows;
        }

        private static string[] Split(string cell) => cell.Split("<br>").Select(Code).ToArray();

        private static string Code(string cell) => cell.Trim().Trim('`');

        private sealed record Row(string Cmdlet, string[] Methods, string[] Routes, string Sample);
    }
}
