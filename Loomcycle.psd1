@{
    # The module version lives here and only here; Directory.Build.props reads it for every assembly.
    ModuleVersion        = '0.1.0'
    # The edition picks its build here, with no script module: a script costs a cold process ~100 ms of parser and
    # compiler start-up (issue 15). Manifests may read $PSEdition (Windows PowerShell 5.1 included).
    RootModule           = if ($PSEdition -eq 'Core') { 'bin/Core/Loomcycle.PowerShell.dll' } else { 'bin/Desktop/Loomcycle.PowerShell.dll' }
    GUID                 = '13e5f9a8-79ad-4a4b-9caf-1950642cc6e7'
    Author               = 'Loomcycle.PowerShell contributors'
    CompanyName          = 'Loomcycle.PowerShell'
    Copyright            = '(c) Loomcycle.PowerShell contributors. MIT License.'
    Description          = 'PowerShell cmdlets for the loomcycle agent sidecar: run agents and stream their events, inspect and cancel agents, pause and resume the runtime, snapshots, memory, interrupts and tool hooks.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('Loomcycle.format.ps1xml')
    TypesToProcess       = @('Loomcycle.types.ps1xml')
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
        'Unregister-LoomcycleHook'
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
