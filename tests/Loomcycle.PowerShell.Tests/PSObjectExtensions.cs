using System.Management.Automation;

namespace Loomcycle.PowerShell.Tests
{
    public static class PSObjectExtensions
    {
        /// <summary>A property's value as a user would read it ($obj.Name).</summary>
        public static object? Prop(this PSObject obj, string name) => obj.Properties[name]?.Value;

        public static string? Str(this PSObject obj, string name) => obj.Properties[name]?.Value?.ToString();

        public static string TypeName(this PSObject obj) => obj.BaseObject.GetType().FullName!;
    }
}
