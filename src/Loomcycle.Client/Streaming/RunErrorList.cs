using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace Loomcycle
{
    /// <summary>
    /// The error messages of a run. A list like any other, whose text is the messages joined with "; ", so a
    /// run result written to CSV or a log shows them instead of a collection's type name.
    /// </summary>
    public sealed class RunErrorList : ReadOnlyCollection<string>
    {
        internal RunErrorList(IList<string> messages)
            : base(messages)
        {
        }

        public override string ToString() => string.Join("; ", this);
    }
}
