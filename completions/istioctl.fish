# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_istioctl_global_optspecs
    string join \n c/kubeconfig= context= n/namespace= i/istioNamespace= h/help V/version
end

function __fish_istioctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_istioctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_istioctl_using_subcommand
    set -l cmd (__fish_istioctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c istioctl -n "__fish_istioctl_needs_command" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_needs_command" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_needs_command" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_needs_command" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_needs_command" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_needs_command" -s V -l version -d 'Print version'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "analyze" -d 'Analyze Istio configuration and print validation messages'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "validate" -d 'Validate Istio and Kubernetes resources in files against the API'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "version" -d 'Print the client version and the Istio version it installs'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "completion" -d 'Generate a shell completion script'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "manifest" -d 'Commands related to Istio manifests'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "profile" -d 'Commands related to Istio configuration profiles'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "install" -d 'Apply an Istio control plane to the cluster and wait until it is ready'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "apply" -d 'Apply an Istio control plane to the cluster and wait until it is ready'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "upgrade" -d 'Upgrade an installed Istio control plane in place to this release, after checking the version step'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "uninstall" -d 'Remove Istio from the cluster (a revision\'s control plane, or everything with --purge)'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "kube-inject" -d 'Inject the Istio sidecar into the workloads of Kubernetes YAML, offline'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "verify-install" -d 'Verify that the cluster matches what the configuration renders'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "dashboard" -d 'Open an addon\'s or a component\'s web UI through a port forward'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "dash" -d 'Open an addon\'s or a component\'s web UI through a port forward'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "d" -d 'Open an addon\'s or a component\'s web UI through a port forward'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "tag" -d 'Revision tags: stable names for control plane revisions'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "x" -d 'Experimental commands'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "experimental" -d 'Experimental commands'
complete -c istioctl -n "__fish_istioctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s k -l use-kube -d 'Read resources from the cluster of the current context (`--use-kube=false` for files only)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l analyzer -d 'Run only this analyzer (repeatable); see --list-analyzers' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s o -l output -d 'Output format' -r -f -a "log\t'One line per finding, with a hint and (on a terminal) a code frame'
json\t'A JSON array'
yaml\t'A YAML list'
sarif\t'SARIF 2.1.0, for code-scanning services'"
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l output-threshold -d 'Lowest level of the findings that are printed' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l failure-threshold -d 'Lowest level of the findings that make the exit code 79' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s S -l suppress -d 'Suppress a code for resources matching a pattern, `*` as wildcard (repeatable), e.g. "IST0102=Namespace frod" or "IST0107=Pod *.baz"' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l color -d 'Colors: auto (on a terminal), always or never; `--color=true`/`--color=false` as istioctl' -r -f -a "auto\t''
always\t''
never\t''
true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l meshConfigFile -d 'A MeshConfig file overriding the defaults' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l meshNetworksFile -d 'A MeshNetworks file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s R -l recursive -d 'Recurse into directories' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l max-diagnostics -d 'Print at most N diagnostics about inputs that cannot be loaded, then one line counting the rest (0: print all; -o sarif always lists every one)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l timeout -d 'How long to wait for the cluster\'s resources' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s r -l revision -d 'The control-plane revision to analyze against: its mesh config (ConfigMap istio-<revision>) and injector (istio-sidecar-injector-<revision>)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l remote-contexts -d 'Kubeconfig contexts of remote clusters analyzed together with the current one (multicluster analysis; not --context), comma-separated or repeated' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l rules -d 'Load user rules (YAML files with CEL checks) from this directory or file (repeatable), besides .istioctl/rules and $XDG_CONFIG_HOME/istioctl/rules' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s A -l all-namespaces -d 'Analyze all namespaces'
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s L -l list-analyzers -d 'List the analyzers and exit'
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -l ignore-unknown -d 'Files that cannot be read or parsed do not make the exit code non-zero'
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s v -l verbose -d 'Print which analyzers ran and what was skipped, and why, on stderr'
complete -c istioctl -n "__fish_istioctl_using_subcommand analyze" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c istioctl -n "__fish_istioctl_using_subcommand validate" -s f -l filename -d 'Files or directories to validate (repeatable); `-` reads stdin' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand validate" -s x -l referential -d 'Accepted for compatibility with istioctl; has no effect (every check always runs)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand validate" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand validate" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand validate" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand validate" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand validate" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand version" -s o -l output -d 'Output format: one of json|yaml' -r -f -a "json\t''
yaml\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand version" -l remote -d 'Also read the control plane and data plane versions from the cluster (`--remote=false` to skip)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand version" -s r -l revision -d 'Show only this control plane revision and the proxies it injected' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand version" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand version" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand version" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand version" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand version" -s s -l short -d 'Print the summary lines only (the client version alone with --remote=false)'
complete -c istioctl -n "__fish_istioctl_using_subcommand version" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand completion" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand completion" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand completion" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand completion" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and not __fish_seen_subcommand_from generate translate help" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and not __fish_seen_subcommand_from generate translate help" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and not __fish_seen_subcommand_from generate translate help" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and not __fish_seen_subcommand_from generate translate help" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and not __fish_seen_subcommand_from generate translate help" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and not __fish_seen_subcommand_from generate translate help" -f -a "generate" -d 'Generate the Istio install manifests'
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and not __fish_seen_subcommand_from generate translate help" -f -a "translate" -d 'Translate an IstioOperator into the values files of Istio\'s Helm charts'
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and not __fish_seen_subcommand_from generate translate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from generate" -s f -l filename -d 'IstioOperator file to merge; repeatable, merged in order' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from generate" -s s -l set -d 'Override a configuration value, e.g. --set values.global.hub=docker.io/istio; repeatable, last wins' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from generate" -s o -l output -d 'Write one folder per component into this directory instead of printing' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from generate" -s r -l revision -d 'Control plane revision (sets the `revision` field)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from generate" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from generate" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from generate" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from generate" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from generate" -l force -d 'Proceed past validation errors in the configuration, printing each as a warning'
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from generate" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from translate" -s f -l filename -d 'IstioOperator file to merge; repeatable, merged in order' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from translate" -s s -l set -d 'Override a configuration value, e.g. --set values.global.hub=docker.io/istio; repeatable, last wins' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from translate" -s o -l output -d 'Directory to write one values file per chart into (RELEASE.yaml); created if missing' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from translate" -s r -l revision -d 'Control plane revision (sets the `revision` field)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from translate" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from translate" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from translate" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from translate" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from translate" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "generate" -d 'Generate the Istio install manifests'
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "translate" -d 'Translate an IstioOperator into the values files of Istio\'s Helm charts'
complete -c istioctl -n "__fish_istioctl_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and not __fish_seen_subcommand_from list dump diff help" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and not __fish_seen_subcommand_from list dump diff help" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and not __fish_seen_subcommand_from list dump diff help" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and not __fish_seen_subcommand_from list dump diff help" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and not __fish_seen_subcommand_from list dump diff help" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and not __fish_seen_subcommand_from list dump diff help" -f -a "list" -d 'List the available Istio configuration profiles'
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and not __fish_seen_subcommand_from list dump diff help" -f -a "dump" -d 'Dump an Istio configuration profile, merged with any -f/--set input'
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and not __fish_seen_subcommand_from list dump diff help" -f -a "diff" -d 'Show the differences between two Istio configuration profiles'
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and not __fish_seen_subcommand_from list dump diff help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from list" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from list" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from list" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from list" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from dump" -s f -l filename -d 'IstioOperator file to merge; repeatable, merged in order' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from dump" -s s -l set -d 'Override a configuration value, e.g. --set values.global.hub=docker.io/istio; repeatable, last wins' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from dump" -s p -l config-path -d 'Dump only the subtree at this path, e.g. components.pilot' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from dump" -s o -l output -d 'Output format' -r -f -a "yaml\t'YAML'
json\t'JSON'"
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from dump" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from dump" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from dump" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from dump" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from dump" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from diff" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from diff" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from diff" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from diff" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from diff" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the available Istio configuration profiles'
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "dump" -d 'Dump an Istio configuration profile, merged with any -f/--set input'
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "diff" -d 'Show the differences between two Istio configuration profiles'
complete -c istioctl -n "__fish_istioctl_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand install" -s f -l filename -d 'IstioOperator file to merge; repeatable, merged in order' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand install" -s s -l set -d 'Override a configuration value, e.g. --set values.global.hub=docker.io/istio; repeatable, last wins' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand install" -l readiness-timeout -d 'How long to wait for the control plane to become ready' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand install" -s r -l revision -d 'Control plane revision (sets the `revision` field)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand install" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand install" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand install" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand install" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand install" -s y -l skip-confirmation -d 'Do not ask for confirmation'
complete -c istioctl -n "__fish_istioctl_using_subcommand install" -l dry-run -d 'Print what would be created, changed or pruned; change nothing'
complete -c istioctl -n "__fish_istioctl_using_subcommand install" -l force -d 'Proceed past validation errors in the configuration, printing each as a warning'
complete -c istioctl -n "__fish_istioctl_using_subcommand install" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand apply" -s f -l filename -d 'IstioOperator file to merge; repeatable, merged in order' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand apply" -s s -l set -d 'Override a configuration value, e.g. --set values.global.hub=docker.io/istio; repeatable, last wins' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand apply" -l readiness-timeout -d 'How long to wait for the control plane to become ready' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand apply" -s r -l revision -d 'Control plane revision (sets the `revision` field)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand apply" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand apply" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand apply" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand apply" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand apply" -s y -l skip-confirmation -d 'Do not ask for confirmation'
complete -c istioctl -n "__fish_istioctl_using_subcommand apply" -l dry-run -d 'Print what would be created, changed or pruned; change nothing'
complete -c istioctl -n "__fish_istioctl_using_subcommand apply" -l force -d 'Proceed past validation errors in the configuration, printing each as a warning'
complete -c istioctl -n "__fish_istioctl_using_subcommand apply" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand upgrade" -s f -l filename -d 'IstioOperator file to merge; repeatable, merged in order' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand upgrade" -s s -l set -d 'Override a configuration value, e.g. --set values.global.hub=docker.io/istio; repeatable, last wins' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand upgrade" -l readiness-timeout -d 'How long to wait for the control plane to become ready' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand upgrade" -s r -l revision -d 'Control plane revision (sets the `revision` field)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand upgrade" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand upgrade" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand upgrade" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand upgrade" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand upgrade" -s y -l skip-confirmation -d 'Do not ask for confirmation'
complete -c istioctl -n "__fish_istioctl_using_subcommand upgrade" -l dry-run -d 'Print what would be created, changed or pruned; change nothing'
complete -c istioctl -n "__fish_istioctl_using_subcommand upgrade" -l force -d 'Proceed past validation errors in the configuration, printing each as a warning'
complete -c istioctl -n "__fish_istioctl_using_subcommand upgrade" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand uninstall" -s r -l revision -d 'Remove the control plane of this revision (`default` for the default revision)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand uninstall" -s f -l filename -d 'IstioOperator file of the installed configuration to remove; repeatable, merged in order' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand uninstall" -s s -l set -d 'Override a value of the configuration to remove, e.g. --set revision=canary; repeatable' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand uninstall" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand uninstall" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand uninstall" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand uninstall" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand uninstall" -l purge -d 'Remove every Istio object we installed, of all revisions, including CRDs and webhooks'
complete -c istioctl -n "__fish_istioctl_using_subcommand uninstall" -l force -d 'Proceed past validation errors in the configuration, printing each as a warning'
complete -c istioctl -n "__fish_istioctl_using_subcommand uninstall" -s v -l verbose -d 'List every object removed and every shared object kept'
complete -c istioctl -n "__fish_istioctl_using_subcommand uninstall" -s y -l skip-confirmation -d 'Do not ask for confirmation'
complete -c istioctl -n "__fish_istioctl_using_subcommand uninstall" -l dry-run -d 'Print what would be removed; change nothing'
complete -c istioctl -n "__fish_istioctl_using_subcommand uninstall" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand kube-inject" -s f -l filename -d 'Input Kubernetes resource filename ("-" reads standard input)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand kube-inject" -s o -l output -d 'Modified output Kubernetes resource filename (standard output when omitted)' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand kube-inject" -l meshConfigFile -d 'Mesh configuration filename; read from the cluster\'s mesh ConfigMap when omitted' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand kube-inject" -l injectConfigFile -d 'Injection configuration filename (the injector ConfigMap\'s `config`, or a bare template); read from the cluster when omitted' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand kube-inject" -l valuesFile -d 'Injection values filename (the injector ConfigMap\'s `values`); read from the cluster when omitted' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand kube-inject" -l operatorFileName -d 'IstioOperator file whose meshConfig and values are used instead of the mesh and values files' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand kube-inject" -l meshConfigMapName -d 'Name of the ConfigMap with the mesh configuration (the revision is appended)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand kube-inject" -l injectConfigMapName -d 'Name of the ConfigMap with the injection configuration (the revision is appended)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand kube-inject" -s r -l revision -d 'Control plane revision' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand kube-inject" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand kube-inject" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand kube-inject" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand kube-inject" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand kube-inject" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand verify-install" -s f -l filename -d 'IstioOperator file to merge; repeatable, merged in order' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand verify-install" -s s -l set -d 'Override a configuration value, e.g. --set values.global.hub=docker.io/istio; repeatable, last wins' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand verify-install" -s r -l revision -d 'Control plane revision (sets the `revision` field)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand verify-install" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand verify-install" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand verify-install" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand verify-install" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand verify-install" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "grafana" -d 'Open Grafana web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "jaeger" -d 'Open Jaeger web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "kiali" -d 'Open Kiali web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "prometheus" -d 'Open Prometheus web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "skywalking" -d 'Open SkyWalking web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "zipkin" -d 'Open Zipkin web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "envoy" -d 'Open the Envoy admin web UI of a pod\'s proxy'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "proxy" -d 'Open the admin web UI of a proxy (sidecar, gateway, ztunnel, waypoint)'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "controlz" -d 'Open the ControlZ web UI of an istiod pod'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "istiod-debug" -d 'Open the debug web UI of an istiod pod'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from grafana" -l ui-port -d 'The component dashboard UI port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from grafana" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from grafana" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from grafana" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from grafana" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from grafana" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from grafana" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from grafana" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from grafana" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from jaeger" -l ui-port -d 'The component dashboard UI port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from jaeger" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from jaeger" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from jaeger" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from jaeger" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from jaeger" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from jaeger" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from jaeger" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from jaeger" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from kiali" -l ui-port -d 'The component dashboard UI port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from kiali" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from kiali" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from kiali" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from kiali" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from kiali" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from kiali" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from kiali" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from kiali" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from prometheus" -l ui-port -d 'The component dashboard UI port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from prometheus" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from prometheus" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from prometheus" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from prometheus" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from prometheus" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from prometheus" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from prometheus" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from prometheus" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from skywalking" -l ui-port -d 'The component dashboard UI port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from skywalking" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from skywalking" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from skywalking" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from skywalking" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from skywalking" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from skywalking" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from skywalking" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from skywalking" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from zipkin" -l ui-port -d 'The component dashboard UI port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from zipkin" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from zipkin" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from zipkin" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from zipkin" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from zipkin" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from zipkin" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from zipkin" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from zipkin" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from envoy" -s l -l selector -d 'Label selector of the pod (instead of a name)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from envoy" -l ui-port -d 'The proxy\'s admin port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from envoy" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from envoy" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from envoy" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from envoy" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from envoy" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from envoy" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from envoy" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from envoy" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from proxy" -s l -l selector -d 'Label selector of the pod (instead of a name)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from proxy" -l ui-port -d 'The proxy\'s admin port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from proxy" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from proxy" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from proxy" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from proxy" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from proxy" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from proxy" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from proxy" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from proxy" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from controlz" -s l -l selector -d 'Label selector of the pod (instead of a name)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from controlz" -l ctrlz_port -l ui-port -d 'ControlZ port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from controlz" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from controlz" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from controlz" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from controlz" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from controlz" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from controlz" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from controlz" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from istiod-debug" -s l -l selector -d 'Label selector of the pod (instead of a name)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from istiod-debug" -s r -l revision -d 'Control plane revision, when no pod or selector is given' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from istiod-debug" -l ui-port -d 'istiod\'s monitoring port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from istiod-debug" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from istiod-debug" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from istiod-debug" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from istiod-debug" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from istiod-debug" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from istiod-debug" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from istiod-debug" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from istiod-debug" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from help" -f -a "grafana" -d 'Open Grafana web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from help" -f -a "jaeger" -d 'Open Jaeger web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from help" -f -a "kiali" -d 'Open Kiali web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from help" -f -a "prometheus" -d 'Open Prometheus web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from help" -f -a "skywalking" -d 'Open SkyWalking web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from help" -f -a "zipkin" -d 'Open Zipkin web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from help" -f -a "envoy" -d 'Open the Envoy admin web UI of a pod\'s proxy'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from help" -f -a "proxy" -d 'Open the admin web UI of a proxy (sidecar, gateway, ztunnel, waypoint)'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from help" -f -a "controlz" -d 'Open the ControlZ web UI of an istiod pod'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from help" -f -a "istiod-debug" -d 'Open the debug web UI of an istiod pod'
complete -c istioctl -n "__fish_istioctl_using_subcommand dashboard; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "grafana" -d 'Open Grafana web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "jaeger" -d 'Open Jaeger web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "kiali" -d 'Open Kiali web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "prometheus" -d 'Open Prometheus web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "skywalking" -d 'Open SkyWalking web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "zipkin" -d 'Open Zipkin web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "envoy" -d 'Open the Envoy admin web UI of a pod\'s proxy'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "proxy" -d 'Open the admin web UI of a proxy (sidecar, gateway, ztunnel, waypoint)'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "controlz" -d 'Open the ControlZ web UI of an istiod pod'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "istiod-debug" -d 'Open the debug web UI of an istiod pod'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from grafana" -l ui-port -d 'The component dashboard UI port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from grafana" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from grafana" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from grafana" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from grafana" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from grafana" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from grafana" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from grafana" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from grafana" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from jaeger" -l ui-port -d 'The component dashboard UI port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from jaeger" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from jaeger" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from jaeger" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from jaeger" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from jaeger" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from jaeger" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from jaeger" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from jaeger" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from kiali" -l ui-port -d 'The component dashboard UI port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from kiali" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from kiali" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from kiali" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from kiali" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from kiali" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from kiali" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from kiali" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from kiali" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from prometheus" -l ui-port -d 'The component dashboard UI port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from prometheus" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from prometheus" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from prometheus" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from prometheus" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from prometheus" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from prometheus" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from prometheus" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from prometheus" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from skywalking" -l ui-port -d 'The component dashboard UI port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from skywalking" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from skywalking" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from skywalking" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from skywalking" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from skywalking" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from skywalking" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from skywalking" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from skywalking" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from zipkin" -l ui-port -d 'The component dashboard UI port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from zipkin" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from zipkin" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from zipkin" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from zipkin" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from zipkin" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from zipkin" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from zipkin" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from zipkin" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from envoy" -s l -l selector -d 'Label selector of the pod (instead of a name)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from envoy" -l ui-port -d 'The proxy\'s admin port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from envoy" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from envoy" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from envoy" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from envoy" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from envoy" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from envoy" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from envoy" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from envoy" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from proxy" -s l -l selector -d 'Label selector of the pod (instead of a name)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from proxy" -l ui-port -d 'The proxy\'s admin port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from proxy" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from proxy" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from proxy" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from proxy" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from proxy" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from proxy" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from proxy" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from proxy" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from controlz" -s l -l selector -d 'Label selector of the pod (instead of a name)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from controlz" -l ctrlz_port -l ui-port -d 'ControlZ port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from controlz" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from controlz" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from controlz" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from controlz" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from controlz" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from controlz" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from controlz" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from istiod-debug" -s l -l selector -d 'Label selector of the pod (instead of a name)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from istiod-debug" -s r -l revision -d 'Control plane revision, when no pod or selector is given' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from istiod-debug" -l ui-port -d 'istiod\'s monitoring port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from istiod-debug" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from istiod-debug" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from istiod-debug" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from istiod-debug" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from istiod-debug" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from istiod-debug" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from istiod-debug" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from istiod-debug" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from help" -f -a "grafana" -d 'Open Grafana web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from help" -f -a "jaeger" -d 'Open Jaeger web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from help" -f -a "kiali" -d 'Open Kiali web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from help" -f -a "prometheus" -d 'Open Prometheus web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from help" -f -a "skywalking" -d 'Open SkyWalking web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from help" -f -a "zipkin" -d 'Open Zipkin web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from help" -f -a "envoy" -d 'Open the Envoy admin web UI of a pod\'s proxy'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from help" -f -a "proxy" -d 'Open the admin web UI of a proxy (sidecar, gateway, ztunnel, waypoint)'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from help" -f -a "controlz" -d 'Open the ControlZ web UI of an istiod pod'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from help" -f -a "istiod-debug" -d 'Open the debug web UI of an istiod pod'
complete -c istioctl -n "__fish_istioctl_using_subcommand dash; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "grafana" -d 'Open Grafana web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "jaeger" -d 'Open Jaeger web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "kiali" -d 'Open Kiali web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "prometheus" -d 'Open Prometheus web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "skywalking" -d 'Open SkyWalking web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "zipkin" -d 'Open Zipkin web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "envoy" -d 'Open the Envoy admin web UI of a pod\'s proxy'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "proxy" -d 'Open the admin web UI of a proxy (sidecar, gateway, ztunnel, waypoint)'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "controlz" -d 'Open the ControlZ web UI of an istiod pod'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "istiod-debug" -d 'Open the debug web UI of an istiod pod'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and not __fish_seen_subcommand_from grafana jaeger kiali prometheus skywalking zipkin envoy proxy controlz istiod-debug help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from grafana" -l ui-port -d 'The component dashboard UI port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from grafana" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from grafana" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from grafana" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from grafana" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from grafana" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from grafana" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from grafana" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from grafana" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from jaeger" -l ui-port -d 'The component dashboard UI port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from jaeger" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from jaeger" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from jaeger" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from jaeger" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from jaeger" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from jaeger" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from jaeger" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from jaeger" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from kiali" -l ui-port -d 'The component dashboard UI port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from kiali" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from kiali" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from kiali" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from kiali" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from kiali" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from kiali" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from kiali" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from kiali" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from prometheus" -l ui-port -d 'The component dashboard UI port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from prometheus" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from prometheus" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from prometheus" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from prometheus" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from prometheus" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from prometheus" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from prometheus" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from prometheus" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from skywalking" -l ui-port -d 'The component dashboard UI port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from skywalking" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from skywalking" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from skywalking" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from skywalking" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from skywalking" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from skywalking" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from skywalking" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from skywalking" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from zipkin" -l ui-port -d 'The component dashboard UI port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from zipkin" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from zipkin" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from zipkin" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from zipkin" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from zipkin" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from zipkin" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from zipkin" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from zipkin" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from envoy" -s l -l selector -d 'Label selector of the pod (instead of a name)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from envoy" -l ui-port -d 'The proxy\'s admin port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from envoy" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from envoy" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from envoy" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from envoy" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from envoy" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from envoy" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from envoy" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from envoy" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from proxy" -s l -l selector -d 'Label selector of the pod (instead of a name)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from proxy" -l ui-port -d 'The proxy\'s admin port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from proxy" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from proxy" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from proxy" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from proxy" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from proxy" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from proxy" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from proxy" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from proxy" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from controlz" -s l -l selector -d 'Label selector of the pod (instead of a name)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from controlz" -l ctrlz_port -l ui-port -d 'ControlZ port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from controlz" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from controlz" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from controlz" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from controlz" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from controlz" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from controlz" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from controlz" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from istiod-debug" -s l -l selector -d 'Label selector of the pod (instead of a name)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from istiod-debug" -s r -l revision -d 'Control plane revision, when no pod or selector is given' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from istiod-debug" -l ui-port -d 'istiod\'s monitoring port' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from istiod-debug" -s p -l port -d 'Local port to listen to (0: the dashboard\'s own port if free, else any free port)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from istiod-debug" -l address -d 'Address to listen on: an IP address, or localhost for both 127.0.0.1 and ::1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from istiod-debug" -l browser -d 'Open the dashboard in a browser (--browser=false only prints the URL)' -r -f -a "true\t''
false\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from istiod-debug" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from istiod-debug" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from istiod-debug" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from istiod-debug" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from istiod-debug" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from help" -f -a "grafana" -d 'Open Grafana web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from help" -f -a "jaeger" -d 'Open Jaeger web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from help" -f -a "kiali" -d 'Open Kiali web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from help" -f -a "prometheus" -d 'Open Prometheus web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from help" -f -a "skywalking" -d 'Open SkyWalking web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from help" -f -a "zipkin" -d 'Open Zipkin web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from help" -f -a "envoy" -d 'Open the Envoy admin web UI of a pod\'s proxy'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from help" -f -a "proxy" -d 'Open the admin web UI of a proxy (sidecar, gateway, ztunnel, waypoint)'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from help" -f -a "controlz" -d 'Open the ControlZ web UI of an istiod pod'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from help" -f -a "istiod-debug" -d 'Open the debug web UI of an istiod pod'
complete -c istioctl -n "__fish_istioctl_using_subcommand d; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and not __fish_seen_subcommand_from set generate list remove help" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and not __fish_seen_subcommand_from set generate list remove help" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and not __fish_seen_subcommand_from set generate list remove help" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and not __fish_seen_subcommand_from set generate list remove help" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and not __fish_seen_subcommand_from set generate list remove help" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and not __fish_seen_subcommand_from set generate list remove help" -f -a "set" -d 'Create or move a revision tag on the cluster'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and not __fish_seen_subcommand_from set generate list remove help" -f -a "generate" -d 'Print the webhooks a revision tag is made of, without applying them'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and not __fish_seen_subcommand_from set generate list remove help" -f -a "list" -d 'List the revision tags, their revisions and the namespaces using them'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and not __fish_seen_subcommand_from set generate list remove help" -f -a "remove" -d 'Remove a revision tag from the cluster'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and not __fish_seen_subcommand_from set generate list remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from set" -s r -l revision -d 'The control plane revision the tag points at' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from set" -l webhook-name -d 'The MutatingWebhookConfiguration\'s name (default istio-revision-tag-TAG)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from set" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from set" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from set" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from set" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from set" -l overwrite -d 'Move the tag even when it points at another revision (and namespaces use it)'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from set" -s y -l skip-confirmation -d 'Do not ask for confirmation'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from set" -l auto-inject-namespaces -d 'For the default tag: inject every namespace that has no injection label'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from generate" -s r -l revision -d 'The control plane revision the tag points at' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from generate" -l webhook-name -d 'The MutatingWebhookConfiguration\'s name (default istio-revision-tag-TAG)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from generate" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from generate" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from generate" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from generate" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from generate" -l overwrite -d 'Move the tag even when it points at another revision (and namespaces use it)'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from generate" -s y -l skip-confirmation -d 'Do not ask for confirmation'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from generate" -l auto-inject-namespaces -d 'For the default tag: inject every namespace that has no injection label'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from generate" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: one of table|json|yaml' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from list" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from list" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from list" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from list" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from remove" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from remove" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from remove" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from remove" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from remove" -s y -l skip-confirmation -d 'Do not ask for confirmation when namespaces still use the tag'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from help" -f -a "set" -d 'Create or move a revision tag on the cluster'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from help" -f -a "generate" -d 'Print the webhooks a revision tag is made of, without applying them'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the revision tags, their revisions and the namespaces using them'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a revision tag from the cluster'
complete -c istioctl -n "__fish_istioctl_using_subcommand tag; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and not __fish_seen_subcommand_from precheck check-inject help" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and not __fish_seen_subcommand_from precheck check-inject help" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and not __fish_seen_subcommand_from precheck check-inject help" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and not __fish_seen_subcommand_from precheck check-inject help" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and not __fish_seen_subcommand_from precheck check-inject help" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and not __fish_seen_subcommand_from precheck check-inject help" -f -a "precheck" -d 'Check whether Istio can be installed or upgraded on the cluster'
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and not __fish_seen_subcommand_from precheck check-inject help" -f -a "check-inject" -d 'Check which injection webhooks would inject a pod, and why'
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and not __fish_seen_subcommand_from precheck check-inject help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from precheck" -s o -l output -d 'Output format' -r -f -a "log\t'One line per message and a hint, with the checks that passed'
json\t'A JSON array of messages'
yaml\t'A YAML list of messages'"
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from precheck" -l output-threshold -d 'The lowest level of message shown; a message at or above it fails the check' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from precheck" -s f -l from-version -d 'Check an upgrade from this Istio version (default: the installed revision\'s version)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from precheck" -s r -l revision -d 'The control plane revision to install or upgrade' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from precheck" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from precheck" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from precheck" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from precheck" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from precheck" -l skip-controlplane -d 'Do not look at the control planes already installed'
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from precheck" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from check-inject" -s l -l labels -d 'Check a pod with these labels instead, e.g. -l app=web,version=v1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from check-inject" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from check-inject" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from check-inject" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from check-inject" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from check-inject" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from help" -f -a "precheck" -d 'Check whether Istio can be installed or upgraded on the cluster'
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from help" -f -a "check-inject" -d 'Check which injection webhooks would inject a pod, and why'
complete -c istioctl -n "__fish_istioctl_using_subcommand x; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and not __fish_seen_subcommand_from precheck check-inject help" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and not __fish_seen_subcommand_from precheck check-inject help" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and not __fish_seen_subcommand_from precheck check-inject help" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and not __fish_seen_subcommand_from precheck check-inject help" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and not __fish_seen_subcommand_from precheck check-inject help" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and not __fish_seen_subcommand_from precheck check-inject help" -f -a "precheck" -d 'Check whether Istio can be installed or upgraded on the cluster'
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and not __fish_seen_subcommand_from precheck check-inject help" -f -a "check-inject" -d 'Check which injection webhooks would inject a pod, and why'
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and not __fish_seen_subcommand_from precheck check-inject help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from precheck" -s o -l output -d 'Output format' -r -f -a "log\t'One line per message and a hint, with the checks that passed'
json\t'A JSON array of messages'
yaml\t'A YAML list of messages'"
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from precheck" -l output-threshold -d 'The lowest level of message shown; a message at or above it fails the check' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from precheck" -s f -l from-version -d 'Check an upgrade from this Istio version (default: the installed revision\'s version)' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from precheck" -s r -l revision -d 'The control plane revision to install or upgrade' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from precheck" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from precheck" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from precheck" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from precheck" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from precheck" -l skip-controlplane -d 'Do not look at the control planes already installed'
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from precheck" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from check-inject" -s l -l labels -d 'Check a pod with these labels instead, e.g. -l app=web,version=v1' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from check-inject" -s c -l kubeconfig -d 'Kubernetes configuration file' -r -F
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from check-inject" -l context -d 'Kubernetes configuration context' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from check-inject" -s n -l namespace -d 'Kubernetes namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from check-inject" -s i -l istioNamespace -d 'Istio system namespace' -r
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from check-inject" -s h -l help -d 'Print help'
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from help" -f -a "precheck" -d 'Check whether Istio can be installed or upgraded on the cluster'
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from help" -f -a "check-inject" -d 'Check which injection webhooks would inject a pod, and why'
complete -c istioctl -n "__fish_istioctl_using_subcommand experimental; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze validate version completion manifest profile install upgrade uninstall kube-inject verify-install dashboard tag x help" -f -a "analyze" -d 'Analyze Istio configuration and print validation messages'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze validate version completion manifest profile install upgrade uninstall kube-inject verify-install dashboard tag x help" -f -a "validate" -d 'Validate Istio and Kubernetes resources in files against the API'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze validate version completion manifest profile install upgrade uninstall kube-inject verify-install dashboard tag x help" -f -a "version" -d 'Print the client version and the Istio version it installs'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze validate version completion manifest profile install upgrade uninstall kube-inject verify-install dashboard tag x help" -f -a "completion" -d 'Generate a shell completion script'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze validate version completion manifest profile install upgrade uninstall kube-inject verify-install dashboard tag x help" -f -a "manifest" -d 'Commands related to Istio manifests'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze validate version completion manifest profile install upgrade uninstall kube-inject verify-install dashboard tag x help" -f -a "profile" -d 'Commands related to Istio configuration profiles'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze validate version completion manifest profile install upgrade uninstall kube-inject verify-install dashboard tag x help" -f -a "install" -d 'Apply an Istio control plane to the cluster and wait until it is ready'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze validate version completion manifest profile install upgrade uninstall kube-inject verify-install dashboard tag x help" -f -a "upgrade" -d 'Upgrade an installed Istio control plane in place to this release, after checking the version step'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze validate version completion manifest profile install upgrade uninstall kube-inject verify-install dashboard tag x help" -f -a "uninstall" -d 'Remove Istio from the cluster (a revision\'s control plane, or everything with --purge)'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze validate version completion manifest profile install upgrade uninstall kube-inject verify-install dashboard tag x help" -f -a "kube-inject" -d 'Inject the Istio sidecar into the workloads of Kubernetes YAML, offline'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze validate version completion manifest profile install upgrade uninstall kube-inject verify-install dashboard tag x help" -f -a "verify-install" -d 'Verify that the cluster matches what the configuration renders'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze validate version completion manifest profile install upgrade uninstall kube-inject verify-install dashboard tag x help" -f -a "dashboard" -d 'Open an addon\'s or a component\'s web UI through a port forward'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze validate version completion manifest profile install upgrade uninstall kube-inject verify-install dashboard tag x help" -f -a "tag" -d 'Revision tags: stable names for control plane revisions'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze validate version completion manifest profile install upgrade uninstall kube-inject verify-install dashboard tag x help" -f -a "x" -d 'Experimental commands'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and not __fish_seen_subcommand_from analyze validate version completion manifest profile install upgrade uninstall kube-inject verify-install dashboard tag x help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from manifest" -f -a "generate" -d 'Generate the Istio install manifests'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from manifest" -f -a "translate" -d 'Translate an IstioOperator into the values files of Istio\'s Helm charts'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "list" -d 'List the available Istio configuration profiles'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "dump" -d 'Dump an Istio configuration profile, merged with any -f/--set input'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "diff" -d 'Show the differences between two Istio configuration profiles'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from dashboard" -f -a "grafana" -d 'Open Grafana web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from dashboard" -f -a "jaeger" -d 'Open Jaeger web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from dashboard" -f -a "kiali" -d 'Open Kiali web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from dashboard" -f -a "prometheus" -d 'Open Prometheus web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from dashboard" -f -a "skywalking" -d 'Open SkyWalking web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from dashboard" -f -a "zipkin" -d 'Open Zipkin web UI'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from dashboard" -f -a "envoy" -d 'Open the Envoy admin web UI of a pod\'s proxy'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from dashboard" -f -a "proxy" -d 'Open the admin web UI of a proxy (sidecar, gateway, ztunnel, waypoint)'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from dashboard" -f -a "controlz" -d 'Open the ControlZ web UI of an istiod pod'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from dashboard" -f -a "istiod-debug" -d 'Open the debug web UI of an istiod pod'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from tag" -f -a "set" -d 'Create or move a revision tag on the cluster'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from tag" -f -a "generate" -d 'Print the webhooks a revision tag is made of, without applying them'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from tag" -f -a "list" -d 'List the revision tags, their revisions and the namespaces using them'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from tag" -f -a "remove" -d 'Remove a revision tag from the cluster'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from x" -f -a "precheck" -d 'Check whether Istio can be installed or upgraded on the cluster'
complete -c istioctl -n "__fish_istioctl_using_subcommand help; and __fish_seen_subcommand_from x" -f -a "check-inject" -d 'Check which injection webhooks would inject a pod, and why'
