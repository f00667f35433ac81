using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Shared checks for the cmdlet tests: what went over the wire, and what an error looks like.</summary>
    internal static class CmdletTestHelpers
    {
        /// <summary>Empties the fake server's state and request log so a test sees only its own requests.</summary>
        public static void Reset(this FakeLoomcycleServer server)
        {
            server.State.Clear();
            server.ClearOverrides();
            server.ClearRequests();
        }

        /// <summary>Every request as "METHOD raw-target", in the order the server received them.</summary>
        public static List<string> Wire(this FakeLoomcycleServer server) =>
            server.Requests.Select(r => r.Method + " " + r.RawTarget).ToList();

        /// <summary>Asserts the single error's id, category and target, and returns it.</summary>
        public static ErrorRecord AssertSingleError(this PowerShellResult result, string errorId, string command, ErrorCategory category, object? target)
        {
            ErrorRecord error = Assert.Single(result.AllErrors);
            AssertError(error, errorId, command, category, target);
            return error;
        }

        /// <summary>A property of the error's exception, read by reflection (the tests see the module only through PowerShell).</summary>
        public static object? ExceptionProperty(this ErrorRecord error, string name) =>
            error.Exception.GetType().GetProperty(name)?.GetValue(error.Exception);

        public static void AssertError(ErrorRecord error, string errorId, string command, ErrorCategory category, object? target)
        {
            Assert.Equal(errorId + ",Loomcycle.PowerShell.Commands." + command, error.FullyQualifiedErrorId);
            Assert.Equal(category, error.CategoryInfo.Category);
            Assert.Equal(target, error.TargetObject);
        }
    }
}
