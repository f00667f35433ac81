using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Binds a wire word in the case the server takes. PowerShell's ValidateSet ignores case, so <c>-Scope User</c> or
    /// <c>-Status Failed</c> bind, but the server and the engine know only <c>user</c> and <c>failed</c>: without this the
    /// command would be refused after binding, or worse, sent and matched against nothing. Strings and arrays of strings
    /// are lowered (invariant culture); anything else passes unchanged for the parameter's own conversion to judge.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class LowerCaseAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (value)
            {
                case string text:
                    return text.ToLowerInvariant();
                case IEnumerable items when value is not IDictionary:
                    var lowered = new List<object?>();
                    foreach (object? item in items)
                    {
                        object? element = item is PSObject inner ? inner.BaseObject : item;
                        lowered.Add(element is string word ? word.ToLowerInvariant() : item);
                    }

                    return lowered.ToArray();
                default:
                    return inputData;
            }
        }
    }
}
