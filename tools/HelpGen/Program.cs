using System;
using System.IO;

namespace Loomcycle.HelpGen
{
    internal static class Program
    {
        private static int Main(string[] args)
        {
            if (args.Length < 1 || args.Length > 2)
            {
                Console.Error.WriteLine("usage: HelpGen <repoRoot> [outputFile]");
                return 2;
            }

            string root = Path.GetFullPath(args[0]);
            string output = args.Length == 2 ? Path.GetFullPath(args[1]) : MamlGenerator.DefaultOutput(root);
            try
            {
                string maml = MamlGenerator.Generate(root, out int cmdlets);
                Directory.CreateDirectory(Path.GetDirectoryName(output)!);
                File.WriteAllText(output, maml, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                Console.WriteLine($"Help for {cmdlets} cmdlets written to {output}");
                return 0;
            }
            catch (HelpGenException ex)
            {
                Console.Error.WriteLine("HelpGen: " + ex.Message);
                return 1;
            }
        }
    }
}
