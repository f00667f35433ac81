@{
    # The module version lives here and only here; Directory.Build.props reads it for every assembly.
    ModuleVersion        = '0.1.0'
    RootModule           = 'Loomcycle.psm1'
    GUID                 = '13e5f9a8-79ad-4a4b-9caf-1950642cc6e7'
    Author               = 'Loomcycle.PowerShell contributors'
    CompanyName          = 'Loomcycle.PowerShell'
    Copyright            = '(c) Loomcycle.PowerShell contributors. MIT License.'
    Description          = 'PowerShell cmdlets for the loomcycle agent sidecar: run agents and stream their events, inspect and cancel agents, pause and resume the runtime, snapshots, memory, interrupts and tool hooks.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('Loomcycle.format.ps1xml', 'Loomcycle.Data.format.ps1xml')
    TypesToProcess       = @('Loomcycle.types.ps1xml', 'Loomcycle.Data.types.ps1xml')
    CmdletsToExport      = @(
        'Connect-Loomcycle',
        'Get-LoomcycleConnection',
        'Disconnect-Loomcycle',
        'Invoke-LoomcycleRun',
        'Send-LoomcycleMessage',
        'Get-LoomcycleAgent',
        'Stop-LoomcycleAgent',
        'Get-LoomcycleTranscript',
        'Get-LoomcycleHealth',
        'Test-LoomcycleConnection',
        'Get-LoomcycleUser',
        'Suspend-LoomcycleRuntime',
        'Resume-LoomcycleRuntime',
        'Get-LoomcycleRuntimeState',
        'New-LoomcycleSnapshot',
        'Get-LoomcycleSnapshot',
        'Export-LoomcycleSnapshot',
        'Restore-LoomcycleSnapshot',
        'Remove-LoomcycleSnapshot',
        'Get-LoomcycleMemoryScope',
        'Get-LoomcycleMemoryScopeId',
        'Get-LoomcycleMemory',
        'Get-LoomcycleInterrupt',
        'Resolve-LoomcycleInterrupt',
        'Register-LoomcycleHook',
        'Get-LoomcycleHook',
        'Unregister-LoomcycleHook',
        # Data (issue 12)
        'Set-LoomcycleMemory',
        'Remove-LoomcycleMemory',
        'Search-LoomcycleMemory',
        'Get-LoomcycleMemoryEmbedding',
        'Update-LoomcycleMemoryEmbedding',
        'Watch-LoomcycleMemory',
        'Watch-LoomcycleDocument',
        'Get-LoomcycleChannel',
        'New-LoomcycleChannel',
        'Set-LoomcycleChannel',
        'Remove-LoomcycleChannel',
        'Clear-LoomcycleChannel',
        'Send-LoomcycleChannelMessage',
        'Receive-LoomcycleChannelMessage',
        'Confirm-LoomcycleChannelMessage',
        'Wait-LoomcycleChannel',
        'Get-LoomcycleChat',
        'Rename-LoomcycleChat',
        'Set-LoomcycleChat',
        'Export-LoomcycleChat'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('loomcycle', 'agents', 'ai', 'sse', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
