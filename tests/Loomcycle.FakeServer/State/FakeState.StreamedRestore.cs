namespace Loomcycle.FakeServer;

public sealed partial class FakeState
{
    /// <summary>Byte length of the <c>json</c> value of the latest restore whose body was streamed (not buffered), else 0.</summary>
    public long LastRestoredEnvelopeLength { get; private set; }

    /// <summary>SHA-256 of that <c>json</c> value (compare with <see cref="GeneratedEnvelope.ComputeSha256"/>), else null.</summary>
    public byte[]? LastRestoredEnvelopeSha256 { get; private set; }

    internal void RecordStreamedRestore(long length, byte[] sha256)
    {
        lock (SyncRoot)
        {
            LastRestoredEnvelopeLength = length;
            LastRestoredEnvelopeSha256 = sha256;
        }
    }
}
