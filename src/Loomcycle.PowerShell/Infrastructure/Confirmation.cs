using System.Management.Automation;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// ShouldProcess with -Force: -Force skips the confirmation prompt (so scheduled jobs never hang),
    /// but -WhatIf still wins, so "-Force -WhatIf" sends nothing, and an explicit -Confirm still asks.
    /// </summary>
    internal static class Confirmation
    {
        public static bool ShouldProcess(PSCmdlet cmdlet, bool force, string target, string action)
        {
            if (force && !IsWhatIf(cmdlet) && !IsBoundTrue(cmdlet, "Confirm"))
            {
                return true;
            }

            // A prompt (or -WhatIf line) comes after the previous item's call has finished and reported.
            (cmdlet as LoomcycleCmdlet)?.FinishPendingCalls();
            return cmdlet.ShouldProcess(target, action);
        }

        private static bool IsBoundTrue(PSCmdlet cmdlet, string parameter) =>
            cmdlet.MyInvocation.BoundParameters.TryGetValue(parameter, out object? bound) && LanguagePrimitives.IsTrue(bound);

        private static bool IsWhatIf(PSCmdlet cmdlet)
        {
            if (cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? bound))
            {
                return LanguagePrimitives.IsTrue(bound);
            }

            return LanguagePrimitives.IsTrue(cmdlet.GetVariableValue("WhatIfPreference"));
        }
    }
}
