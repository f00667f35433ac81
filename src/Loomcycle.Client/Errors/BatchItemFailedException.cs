using System;

namespace Loomcycle
{
    /// <summary>One child of a batch ended failed or cancelled (the batch itself went on); <see cref="Result"/> holds its outcome.</summary>
    public class BatchItemFailedException : LoomcycleException
    {
        public BatchItemFailedException(BatchResult result)
            : base($"Batch item {result?.Index} ({result?.Agent}) {result?.Status}: {result?.Error ?? result?.StopReason ?? "no reason given"}", 0, null, null, null)
        {
            Result = result ?? throw new ArgumentNullException(nameof(result));
        }

        public BatchResult Result { get; }
    }
}
