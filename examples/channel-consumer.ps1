<#
.SYNOPSIS
    An at-least-once channel consumer: peek a batch, process every message, then confirm the batch.

.DESCRIPTION
    Nothing is committed until a batch is processed. If the consumer dies (Ctrl+C, a crash, a reboot) in the middle
    of a batch, the next run starts again after the last confirmed message, so every message is delivered at least
    once and none is lost; messages processed but not yet confirmed come again, so the work a message triggers
    should be idempotent (or check the message Id it has already done).

    The loop waits up to -WaitSec for new messages (a long poll: it wakes as soon as one is published) and runs
    until -MaxIdleRounds empty waits in a row, or forever with -MaxIdleRounds 0. Errors stop the script with exit
    code 1, so a scheduler or a service manager restarts it.

.PARAMETER Channel
    The channel to consume.

.PARAMETER UserId
    Consume this user's channel (the per-user cursor) instead of the global one.

.PARAMETER BatchSize
    Messages per batch (1 to 100).

.PARAMETER WaitSec
    How long one empty read waits for a message.

.PARAMETER MaxIdleRounds
    Stop after this many empty reads in a row (0 = never stop).

.PARAMETER Process
    What to do with one message; gets the ChannelMessage ($_.Payload is the payload as objects). The default
    writes the payload.

.EXAMPLE
    pwsh -NoProfile -File ./channel-consumer.ps1 -Channel work-items -Process { Invoke-Triage -Ticket $_.Payload.ticket }

.EXAMPLE
    ./channel-consumer.ps1 -Channel inbox -UserId alice -MaxIdleRounds 1 | Export-Csv ./inbox.csv
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Channel,
    [string] $UserId,
    [ValidateRange(1, 100)] [int] $BatchSize = 25,
    [ValidateRange(0, 3600)] [int] $WaitSec = 20,
    [ValidateRange(0, [int]::MaxValue)] [int] $MaxIdleRounds = 0,
    [scriptblock] $Process = { $_.Payload }
)

$ErrorActionPreference = 'Stop'
Import-Module Loomcycle -ErrorAction SilentlyContinue

$read = @{ Channel = $Channel; Peek = $true; Max = $BatchSize; WaitSec = $WaitSec }
if ($UserId) { $read.UserId = $UserId }

try {
    $idle = 0
    while ($MaxIdleRounds -eq 0 -or $idle -lt $MaxIdleRounds) {
        # 1. Peek: read after the committed cursor without committing anything.
        $batch = @(Receive-LoomcycleChannelMessage @read)
        if ($batch.Count -eq 0) { $idle++; continue }
        $idle = 0

        # 2. Process every message of the batch (a failure stops here, before anything is confirmed).
        foreach ($message in $batch) { $message | ForEach-Object $Process }

        # 3. Confirm: commit the cursor of the last message. A cursor behind the committed one means another
        #    consumer got further meanwhile; that batch is done either way.
        try {
            $batch[-1] | Confirm-LoomcycleChannelMessage
        }
        catch [Loomcycle.ChannelCursorRegressionException] {
            Write-Verbose "Already confirmed further on $Channel; going on."
        }
    }
}
catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
    exit 1
}
