using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Loomcycle.HelpGen
{
    public sealed class HelpGenException : Exception
    {
        public HelpGenException(string message)
            : base(message)
        {
        }
    }

    /// <summary>
    /// Builds MAML cmdlet help from the built Core Loomcycle.PowerShell.dll (cmdlet and parameter attributes,
    /// parameter sets, pipeline input, types, defaults) and the XML doc comments beside it: the class summary is
    /// the synopsis, its remarks the description, each example its code and paragraphs, each property summary a
    /// parameter's description. The XML doc comments are the single source of the help.
    /// </summary>
    public static class MamlGenerator
    {
        private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
        private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
        private const string AllSets = "__AllParameterSets";
        private static readonly XNamespace M = Maml;
        private static readonly XNamespace C = Command;
        private static readonly XNamespace D = Dev;

        public static string DefaultOutput(string repoRoot) => Path.Combine(repoRoot, "en-US", "Loomcycle.PowerShell.dll-Help.xml");

        /// <summary>The newest Core build of the cmdlets under src/Loomcycle.PowerShell/bin (Debug or Release).</summary>
        public static string FindCoreAssembly(string repoRoot)
        {
            string bin = Path.Combine(repoRoot, "src", "Loomcycle.PowerShell", "bin");
            FileInfo? newest = Directory.Exists(bin)
                ? Directory.GetDirectories(bin)
                    .Select(config => new FileInfo(Path.Combine(config, "net8.0", "Loomcycle.PowerShell.dll")))
                    .Where(f => f.Exists)
                    .OrderByDescending(f => f.LastWriteTimeUtc)
                    .FirstOrDefault()
                : null;
            return newest?.FullName ?? throw new HelpGenException($"No Core build of Loomcycle.PowerShell.dll under {bin}; run dotnet build first.");
        }

        public static string Generate(string repoRoot, out int cmdletCount)
        {
            string assemblyPath = FindCoreAssembly(repoRoot);
            string docPath = Path.ChangeExtension(assemblyPath, ".xml");
            if (!File.Exists(docPath))
            {
                throw new HelpGenException($"{docPath} is missing: the project must set GenerateDocumentationFile.");
            }

            var docs = new DocComments(docPath, Path.Combine(Path.GetDirectoryName(assemblyPath)!, "Loomcycle.Client.xml"));
            var context = new IsolatedContext(Path.GetDirectoryName(assemblyPath)!);
            try
            {
                Assembly assembly = context.LoadFromAssemblyPath(assemblyPath);
                var cmdlets = assembly.GetTypes()
                    .Where(t => t.IsClass && !t.IsAbstract && t.GetCustomAttribute<CmdletAttribute>() is not null)
                    .Select(t => (Type: t, Attribute: t.GetCustomAttribute<CmdletAttribute>()!))
                    .OrderBy(c => c.Attribute.VerbName + "-" + c.Attribute.NounName, StringComparer.Ordinal)
                    .ToList();
                cmdletCount = cmdlets.Count;

                var root = new XElement(XName.Get("helpItems", "http://msh"), new XAttribute("schema", "maml"),
                    new XAttribute(XNamespace.Xmlns + "maml", Maml),
                    new XAttribute(XNamespace.Xmlns + "command", Command),
                    new XAttribute(XNamespace.Xmlns + "dev", Dev));
                foreach (var (type, attribute) in cmdlets)
                {
                    root.Add(CommandHelp(type, attribute, docs));
                }

                var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", NewLineChars = "\n", Encoding = new UTF8Encoding(false) };
                using var stream = new MemoryStream();
                using (XmlWriter writer = XmlWriter.Create(stream, settings))
                {
                    new XDocument(new XDeclaration("1.0", "utf-8", null), root).Save(writer);
                }

                return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
            }
            finally
            {
                context.Unload();
            }
        }

        private static XElement CommandHelp(Type type, CmdletAttribute cmdlet, DocComments docs)
        {
            string name = cmdlet.VerbName + "-" + cmdlet.NounName;
            XElement? member = docs.Member("T:" + type.FullName);
            List<Parameter> parameters = Parameters(type, cmdlet, docs);

            var help = new XElement(C + "command",
                new XElement(C + "details",
                    new XElement(C + "name", name),
                    new XElement(C + "verb", cmdlet.VerbName),
                    new XElement(C + "noun", cmdlet.NounName),
                    new XElement(M + "description", Paras(DocComments.Paragraphs(member?.Element("summary"))))),
                new XElement(M + "description", Paras(DocComments.Paragraphs(member?.Element("remarks")))),
                new XElement(C + "syntax", SyntaxItems(name, type, parameters)),
                new XElement(C + "parameters", parameters.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => ParameterElement(p, null))),
                new XElement(C + "inputTypes", InputTypes(parameters)),
                new XElement(C + "returnValues", ReturnValues(type, docs)),
                new XElement(M + "alertSet", new XElement(M + "alert", Paras(Notes(cmdlet)))),
                new XElement(C + "examples", Examples(member)),
                new XElement(C + "relatedLinks",
                    new XElement(M + "navigationLink", new XElement(M + "linkText", "about_Loomcycle"), new XElement(M + "uri"))));
            return help;
        }

        private static IEnumerable<string> Notes(CmdletAttribute cmdlet)
        {
            if (cmdlet.SupportsShouldProcess)
            {
                yield return cmdlet.ConfirmImpact == ConfirmImpact.High
                    ? "This cmdlet changes server state and asks for confirmation (ConfirmImpact High). Use -Force or -Confirm:$false in scripts and scheduled jobs; -WhatIf shows what it would do."
                    : "This cmdlet changes server state; -WhatIf shows what it would do and -Confirm asks first.";
            }

            yield return "Errors are written as ErrorRecords with stable ids and categories; see about_Loomcycle. The bearer token is never shown.";
        }

        private sealed class Parameter
        {
            public string Name = string.Empty;
            public Type Type = typeof(object);
            public string Description = string.Empty;
            public List<ParameterAttribute> Sets = new List<ParameterAttribute>();
            public string[] Aliases = Array.Empty<string>();
            public string[] ValidValues = Array.Empty<string>();
            public string DefaultValue = "None";
            public bool Common;

            public bool InSet(string set) => Sets.Any(s => s.ParameterSetName == AllSets || s.ParameterSetName == set);

            public ParameterAttribute For(string? set) =>
                Sets.FirstOrDefault(s => s.ParameterSetName == set) ?? Sets.FirstOrDefault(s => s.ParameterSetName == AllSets) ?? Sets[0];
        }

        private static List<Parameter> Parameters(Type type, CmdletAttribute cmdlet, DocComments docs)
        {
            object? instance = null;
            try
            {
                instance = Activator.CreateInstance(type);
            }
            catch (Exception)
            {
                // Defaults are then shown as None.
            }

            var list = new List<Parameter>();
            foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var sets = property.GetCustomAttributes<ParameterAttribute>(inherit: true).ToList();
                if (sets.Count == 0)
                {
                    continue;
                }

                XElement? doc = docs.Member("P:" + property.DeclaringType!.FullName + "." + property.Name);
                list.Add(new Parameter
                {
                    Name = property.Name,
                    Type = property.PropertyType,
                    Description = string.Join("\n\n", DocComments.Paragraphs(doc?.Element("summary"))),
                    Sets = sets,
                    Aliases = property.GetCustomAttributes<AliasAttribute>(inherit: true).SelectMany(a => a.AliasNames).ToArray(),
                    ValidValues = property.GetCustomAttribute<ValidateSetAttribute>(inherit: true)?.ValidValues.ToArray() ?? Array.Empty<string>(),
                    DefaultValue = DefaultOf(property, instance),
                });
            }

            if (cmdlet.SupportsShouldProcess)
            {
                list.Add(Switch("WhatIf", "Shows what would happen if the cmdlet runs. The cmdlet is not run.", "wi"));
                list.Add(Switch("Confirm", "Prompts you for confirmation before running the cmdlet.", "cf"));
            }

            if (cmdlet.SupportsPaging)
            {
                list.Add(new Parameter { Name = "First", Type = typeof(ulong), Description = "Gets only the first number of objects.", Sets = new List<ParameterAttribute> { new ParameterAttribute() }, Aliases = Array.Empty<string>(), DefaultValue = "None", Common = true });
                list.Add(new Parameter { Name = "Skip", Type = typeof(ulong), Description = "Skips the first number of objects, then gets the rest.", Sets = new List<ParameterAttribute> { new ParameterAttribute() }, Aliases = Array.Empty<string>(), DefaultValue = "0", Common = true });
                list.Add(Switch("IncludeTotalCount", "Writes the total number of objects first (the server's count), then the objects.", "itc"));
                list[list.Count - 1].Aliases = Array.Empty<string>();
            }

            return list;
        }

        private static Parameter Switch(string name, string description, string alias) => new Parameter
        {
            Name = name,
            Type = typeof(SwitchParameter),
            Description = description,
            Sets = new List<ParameterAttribute> { new ParameterAttribute() },
            Aliases = new[] { alias },
            DefaultValue = "False",
            Common = true,
        };

        private static string DefaultOf(PropertyInfo property, object? instance)
        {
            if (property.PropertyType == typeof(SwitchParameter))
            {
                return "False";
            }

            object? value = null;
            try
            {
                value = instance is null ? null : property.GetValue(instance);
            }
            catch (Exception)
            {
                // None.
            }

            return value switch
            {
                null => "None",
                string s when s.Length == 0 => "None",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "None",
            };
        }

        private static IEnumerable<XElement> SyntaxItems(string name, Type type, List<Parameter> parameters)
        {
            var sets = parameters.SelectMany(p => p.Sets).Select(s => s.ParameterSetName).Where(s => s != AllSets).Distinct().ToList();
            string? defaultSet = type.GetCustomAttribute<CmdletAttribute>()!.DefaultParameterSetName;
            if (sets.Count > 0 && !string.IsNullOrEmpty(defaultSet) && !sets.Contains(defaultSet!))
            {
                // A default set that no parameter names (Invoke-LoomcycleRun's Events): the shared parameters alone.
                sets.Add(defaultSet!);
            }

            if (sets.Count == 0)
            {
                sets.Add(AllSets);
            }
            else
            {
                sets = sets.OrderBy(s => s == defaultSet ? 0 : 1).ThenBy(s => s, StringComparer.Ordinal).ToList();
            }

            foreach (string set in sets)
            {
                var inSet = parameters.Where(p => p.InSet(set))
                    .OrderBy(p => p.Common ? 1 : 0)
                    .ThenBy(p => p.For(set).Position < 0 ? int.MaxValue : p.For(set).Position)
                    .ThenBy(p => p.For(set).Mandatory ? 0 : 1)
                    .ThenBy(p => p.Name, StringComparer.Ordinal);
                yield return new XElement(C + "syntaxItem", new XElement(M + "name", name), inSet.Select(p => ParameterElement(p, set)));
            }
        }

        private static XElement ParameterElement(Parameter p, string? set)
        {
            ParameterAttribute a = p.For(set);
            bool isSwitch = p.Type == typeof(SwitchParameter);
            string pipeline = a.ValueFromPipeline && a.ValueFromPipelineByPropertyName ? "True (ByValue, ByPropertyName)"
                : a.ValueFromPipeline ? "True (ByValue)"
                : a.ValueFromPipelineByPropertyName ? "True (ByPropertyName)"
                : "False";
            bool required = set is null ? p.Sets.All(s => s.Mandatory) : a.Mandatory;
            var element = new XElement(C + "parameter",
                new XAttribute("required", required ? "true" : "false"),
                new XAttribute("variableLength", p.Type.IsArray ? "true" : "false"),
                new XAttribute("globbing", "false"),
                new XAttribute("pipelineInput", pipeline),
                new XAttribute("position", a.Position < 0 ? "named" : a.Position.ToString(CultureInfo.InvariantCulture)),
                new XAttribute("aliases", p.Aliases.Length == 0 ? "none" : string.Join(", ", p.Aliases)),
                new XElement(M + "name", p.Name),
                new XElement(M + "description", Paras(p.Description.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))));
            if (p.ValidValues.Length > 0)
            {
                element.Add(new XElement(C + "parameterValueGroup",
                    p.ValidValues.Select(v => new XElement(C + "parameterValue", new XAttribute("required", "false"), new XAttribute(C + "variableLength", "false"), v))));
            }

            if (!isSwitch)
            {
                element.Add(new XElement(C + "parameterValue", new XAttribute("required", "true"), new XAttribute("variableLength", "false"), ShortName(p.Type)));
            }

            element.Add(
                new XElement(D + "type", new XElement(M + "name", FullName(p.Type)), new XElement(M + "uri")),
                new XElement(D + "defaultValue", p.DefaultValue));
            return element;
        }

        private static IEnumerable<XElement> InputTypes(List<Parameter> parameters)
        {
            var piped = parameters.Where(p => p.Sets.Any(s => s.ValueFromPipeline || s.ValueFromPipelineByPropertyName)).ToList();
            if (piped.Count == 0)
            {
                yield return new XElement(C + "inputType",
                    new XElement(D + "type", new XElement(M + "name", "None"), new XElement(M + "uri")),
                    new XElement(M + "description", Paras(new[] { "You cannot pipe objects to this cmdlet." })));
                yield break;
            }

            foreach (Parameter p in piped)
            {
                bool byValue = p.Sets.Any(s => s.ValueFromPipeline);
                string how = byValue ? "You can pipe a " + ShortName(p.Type) + " to -" + p.Name + "."
                    : "-" + p.Name + " binds from the " + p.Name + " property of piped objects.";
                yield return new XElement(C + "inputType",
                    new XElement(D + "type", new XElement(M + "name", FullName(p.Type)), new XElement(M + "uri")),
                    new XElement(M + "description", Paras(new[] { how })));
            }
        }

        private static IEnumerable<XElement> ReturnValues(Type type, DocComments docs)
        {
            var outputs = type.GetCustomAttributes<OutputTypeAttribute>(inherit: true)
                .SelectMany(a => a.Type.Select(t => (Type: t.Type, Name: t.Type?.FullName ?? t.Name, Sets: a.ParameterSetName)))
                .ToList();
            if (outputs.Count == 0 || outputs.All(o => o.Type == typeof(void)))
            {
                yield return new XElement(C + "returnValue",
                    new XElement(D + "type", new XElement(M + "name", "None"), new XElement(M + "uri")),
                    new XElement(M + "description", Paras(new[] { "This cmdlet returns no output." })));
                yield break;
            }

            foreach (var output in outputs.Where(o => o.Type != typeof(void)))
            {
                var text = new List<string>();
                string summary = string.Join(" ", DocComments.Paragraphs(docs.Member("T:" + output.Name)?.Element("summary")));
                if (summary.Length > 0)
                {
                    text.Add(summary);
                }

                var sets = output.Sets?.Where(s => s != AllSets).ToArray() ?? Array.Empty<string>();
                if (sets.Length > 0)
                {
                    text.Add("Parameter set: " + string.Join(", ", sets) + ".");
                }

                yield return new XElement(C + "returnValue",
                    new XElement(D + "type", new XElement(M + "name", output.Name), new XElement(M + "uri")),
                    new XElement(M + "description", Paras(text)));
            }
        }

        private static IEnumerable<XElement> Examples(XElement? member)
        {
            int n = 0;
            foreach (XElement example in member?.Elements("example") ?? Enumerable.Empty<XElement>())
            {
                n++;
                string code = DocComments.Code(example.Element("code"));
                var remarks = example.Elements("para").SelectMany(p => DocComments.Paragraphs(p)).ToList();
                yield return new XElement(C + "example",
                    new XElement(M + "title", "-------------------------- Example " + n.ToString(CultureInfo.InvariantCulture) + " --------------------------"),
                    new XElement(D + "code", code),
                    new XElement(D + "remarks", Paras(remarks)));
            }
        }

        private static IEnumerable<XElement> Paras(IEnumerable<string> paragraphs)
        {
            var list = paragraphs.Where(p => p.Length > 0).ToList();
            return list.Count == 0 ? new[] { new XElement(M + "para") } : list.Select(p => new XElement(M + "para", p));
        }

        private static string ShortName(Type type)
        {
            Type t = Nullable.GetUnderlyingType(type) ?? type;
            return t.IsArray ? ShortName(t.GetElementType()!) + "[]" : t.Name;
        }

        private static string FullName(Type type)
        {
            Type t = Nullable.GetUnderlyingType(type) ?? type;
            return t.IsArray ? FullName(t.GetElementType()!) + "[]" : t.FullName ?? t.Name;
        }

        /// <summary>Loads the cmdlets beside their own dependencies, sharing PowerShell's attribute types with this process.</summary>
        private sealed class IsolatedContext : AssemblyLoadContext
        {
            private readonly string _folder;

            public IsolatedContext(string folder)
                : base("Loomcycle.HelpGen", isCollectible: true)
            {
                _folder = folder;
            }

            protected override Assembly? Load(AssemblyName name)
            {
                if (name.Name == "System.Management.Automation")
                {
                    return null;
                }

                string path = Path.Combine(_folder, name.Name + ".dll");
                return File.Exists(path) && name.Name!.StartsWith("Loomcycle.", StringComparison.Ordinal) ? LoadFromAssemblyPath(path) : null;
            }
        }
    }

    /// <summary>The XML documentation files, and the text of their elements as PowerShell help paragraphs.</summary>
    internal sealed class DocComments
    {
        private static readonly Regex Spaces = new Regex(@"\s+", RegexOptions.Compiled);
        private readonly Dictionary<string, XElement> _members = new Dictionary<string, XElement>(StringComparer.Ordinal);

        public DocComments(params string[] files)
        {
            foreach (string file in files.Where(File.Exists))
            {
                foreach (XElement member in XDocument.Load(file, LoadOptions.PreserveWhitespace).Descendants("member"))
                {
                    _members[(string)member.Attribute("name")!] = member;
                }
            }
        }

        public XElement? Member(string id) => _members.TryGetValue(id, out XElement? member) ? member : null;

        /// <summary>An element's text as paragraphs: each &lt;para&gt; is one, and so is the text between them.</summary>
        public static List<string> Paragraphs(XElement? element)
        {
            var result = new List<string>();
            if (element is null)
            {
                return result;
            }

            var current = new StringBuilder();
            void Flush()
            {
                string text = Spaces.Replace(current.ToString(), " ").Trim();
                if (text.Length > 0)
                {
                    result.Add(text);
                }

                current.Clear();
            }

            foreach (XNode node in element.Nodes())
            {
                if (node is XElement { Name.LocalName: "para" } para)
                {
                    Flush();
                    result.AddRange(Paragraphs(para));
                }
                else
                {
                    current.Append(Inline(node));
                }
            }

            Flush();
            return result;
        }

        /// <summary>Example code without the indentation of the comment it came from.</summary>
        public static string Code(XElement? code)
        {
            if (code is null)
            {
                return string.Empty;
            }

            var lines = code.Value.Replace("\r\n", "\n").Split('\n').ToList();
            while (lines.Count > 0 && lines[0].Trim().Length == 0)
            {
                lines.RemoveAt(0);
            }

            while (lines.Count > 0 && lines[^1].Trim().Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }

            int indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
            return string.Join("\n", lines.Select(l => l.Length >= indent ? l.Substring(indent).TrimEnd() : l.Trim()));
        }

        private static string Inline(XNode node)
        {
            switch (node)
            {
                case XText text:
                    return text.Value;
                case XElement e when e.Name.LocalName is "see" or "seealso":
                    string? cref = (string?)e.Attribute("cref");
                    string? word = (string?)e.Attribute("langword");
                    if (!string.IsNullOrEmpty(e.Value))
                    {
                        return e.Value;
                    }

                    if (word is not null)
                    {
                        return word is "null" or "true" or "false" ? "$" + word : word;
                    }

                    if (cref is null)
                    {
                        return (string?)e.Attribute("href") ?? string.Empty;
                    }

                    string name = cref.Contains(':', StringComparison.Ordinal) ? cref.Substring(cref.IndexOf(':', StringComparison.Ordinal) + 1) : cref;
                    name = name.Split('(')[0];
                    return name.StartsWith("T:", StringComparison.Ordinal) || cref.StartsWith("T:", StringComparison.Ordinal) ? name : name.Substring(name.LastIndexOf('.') + 1);
                case XElement e when e.Name.LocalName is "paramref" or "typeparamref":
                    return (string?)e.Attribute("name") ?? string.Empty;
                case XElement e:
                    return string.Concat(e.Nodes().Select(Inline));
                default:
                    return string.Empty;
            }
        }
    }
}
