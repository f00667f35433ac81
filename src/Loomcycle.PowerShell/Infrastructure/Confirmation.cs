using System.Management.Automation;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// ShouldProcess with -Force: -Force skips the confirmation prompt (so scheduled jobs never hang),
    /// but -WhatIf still wins, so "-Force -WhatIf" sends nothing.
    /// </summary>
    internal static class Confirmation
    {
        public static bool ShouldProcess(PSCmdlet cmdlet, bool force, string target, string action)
        {
            if (force && !IsWhatIf(cmdlet))
            {
                return true;
            }

            return cmdlet.ShouldProcess(target, action);
        }

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
