using System;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// The engine names a server error after the first id of its route (the run of an interrupt, the scope of a
    /// memory key). For nested routes the item the user asked about is a later id; this re-aims server errors at
    /// it. Errors raised before sending keep their target: it names the value that was refused.
    /// </summary>
    internal static class ErrorTarget
    {
        public static T About<T>(string target, Func<T> call)
        {
            try
            {
                return call();
            }
            catch (LoomcycleException ex) when (ex.StatusCode != 0)
            {
                ex.Target = target;
                throw;
            }
        }
    }
}
