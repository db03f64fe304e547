using System.Text.Json.Nodes;

namespace Cds.FhirMapping.Tests.Policy;

/// <summary>
/// One change each to the shipped policy file, the key path the load error must name, and whether the JSON Schema can
/// see it too (cross-references such as a system alias or a criterion id, and regex syntax, are the loader's alone).
/// </summary>
internal static class PolicyMutations
{
    public sealed record Mutation(Func<string, string> Apply, string[] Named, bool SchemaRejects);

    public static IReadOnlyDictionary<string, Mutation> All { get; } = new Dictionary<string, Mutation>(StringComparer.Ordinal)
    {
        ["delete a threshold"] = Tree(p => Object(p, "thresholds").Remove("fullDonorChimerismPercent"), ["thresholds.fullDonorChimerismPercent is required"]),
        ["delete another threshold"] = Tree(p => Object(p, "thresholds").Remove("graftWindowDaysAfterHct"), ["thresholds.graftWindowDaysAfterHct is required"]),
        ["null threshold"] = Tree(p => Object(p, "thresholds")["fullDonorChimerismPercent"] = null, ["thresholds.fullDonorChimerismPercent has a value of the wrong type, or null"]),
        ["threshold out of range"] = Tree(p => Object(p, "thresholds")["fullDonorChimerismPercent"] = 0, ["thresholds.fullDonorChimerismPercent must be above 0"]),
        ["threshold as text"] = Tree(p => Object(p, "thresholds")["conditioningWindowDaysBeforeHct"] = "60 days", ["thresholds.conditioningWindowDaysBeforeHct has a value of the wrong type"]),
        ["delete the earliest plausible year"] = Tree(p => Object(p, "thresholds").Remove("earliestPlausibleYear"), ["thresholds.earliestPlausibleYear is required"]),
        ["earliest plausible year as text"] = Tree(p => Object(p, "thresholds")["earliestPlausibleYear"] = "1957", ["thresholds.earliestPlausibleYear has a value of the wrong type"]),
        ["earliest plausible year as a date"] = Tree(p => Object(p, "thresholds")["earliestPlausibleYear"] = 1957.5, ["thresholds.earliestPlausibleYear has a value of the wrong type"]),
        ["earliest plausible year out of range"] = Tree(p => Object(p, "thresholds")["earliestPlausibleYear"] = 57, ["thresholds.earliestPlausibleYear must be between 1800 and 2100"]),
        ["earliest plausible year in the far future"] = Tree(p => Object(p, "thresholds")["earliestPlausibleYear"] = 2101, ["thresholds.earliestPlausibleYear must be between 1800 and 2100"]),
        ["delete the future tolerance"] = Tree(p => Object(p, "thresholds").Remove("futureToleranceDays"), ["thresholds.futureToleranceDays is required"]),
        ["future tolerance as text"] = Tree(p => Object(p, "thresholds")["futureToleranceDays"] = "1 day", ["thresholds.futureToleranceDays has a value of the wrong type"]),
        ["null future tolerance"] = Tree(p => Object(p, "thresholds")["futureToleranceDays"] = null, ["thresholds.futureToleranceDays has a value of the wrong type, or null"]),
        ["negative future tolerance"] = Tree(p => Object(p, "thresholds")["futureToleranceDays"] = -1, ["thresholds.futureToleranceDays must be between 0 and 30 days"]),
        ["future tolerance out of range"] = Tree(p => Object(p, "thresholds")["futureToleranceDays"] = 31, ["thresholds.futureToleranceDays must be between 0 and 30 days"]),
        ["unknown key at top level"] = Tree(p => p["fullDonorChimerism"] = 95, ["fullDonorChimerism is not a key"]),
        ["unknown key in thresholds"] = Tree(p => Object(p, "thresholds")["mixedChimerismPercent"] = 80, ["thresholds.mixedChimerismPercent is not a key"]),
        ["unknown key in a value-set include"] = Tree(p => Include(p, "heme-in-relapse", 0)["code"] = "C92.02", ["valueSets.heme-in-relapse.include[0].code is not a key"]),
        ["unknown key in a trigger"] = Tree(p => Trigger(p, 0)["weight"] = 2, ["textContext.triggers[0].weight is not a key"]),
        ["duplicate key"] = Text(t => t.Replace("\"fullDonorChimerismPercent\": 95,", "\"fullDonorChimerismPercent\": 95, \"fullDonorChimerismPercent\": 0,", StringComparison.Ordinal), ["thresholds.fullDonorChimerismPercent is given twice"], schemaRejects: false),
        ["empty value set"] = Tree(p => Object(p, "valueSets", "heme-in-relapse")["include"] = new JsonArray(), ["valueSets.heme-in-relapse is empty"]),
        ["value set with an include of nothing"] = Tree(p => Include(p, "heme-in-relapse", 0).Remove("patterns"), ["valueSets.heme-in-relapse is empty", "valueSets.heme-in-relapse.include[0] has no codes, prefixes or patterns"]),
        ["missing value set"] = Tree(p => Object(p, "valueSets").Remove("heme-in-remission"), ["valueSets.heme-in-remission is required"]),
        ["misspelt value set"] = Tree(p => Rename(Object(p, "valueSets"), "clinical-notes", "clinical-note"), ["valueSets.clinical-notes is required", "valueSets.clinical-note is not a value set", "documentation[0].valueSet names 'clinical-notes'"]),
        ["null value sets"] = Tree(p => p["valueSets"] = null, ["valueSets must not be null"]),
        ["broken text pattern"] = Tree(p => Object(p, "textPatterns")["hct"] = "\\b(HCT|HSCT", ["textPatterns.hct is not a valid regular expression"], schemaRejects: false),
        ["empty text pattern"] = Tree(p => Object(p, "textPatterns")["genetic-modification"] = "", ["textPatterns.genetic-modification matches empty text"]),
        ["text pattern matching everything"] = Tree(p => Object(p, "textPatterns")["genetic-modification"] = "(CAR)?", ["textPatterns.genetic-modification matches empty text"], schemaRejects: false),
        ["misspelt text pattern"] = Tree(p => Rename(Object(p, "textPatterns"), "hct", "htc"), ["textPatterns.hct is required", "textPatterns.htc is not a text pattern"]),
        ["broken value-set regex"] = Tree(p => Include(p, "heme-in-relapse", 0)["patterns"]![0] = "^C9[0-5", ["valueSets.heme-in-relapse.include[0].patterns[0] is not a valid regular expression"], schemaRejects: false),
        ["suggested order for a criterion the file lacks"] = Tree(p => p["orderSuggestions"]![0]!["criterion"] = "I.D", ["orderSuggestions[0].criterion 'I.D' is not a criterion of the file"], schemaRejects: false),
        ["suggested order in an unknown code system"] = Tree(p => p["orderSuggestions"]![0]!["system"] = "cpt4", ["orderSuggestions[0].system 'cpt4' is not a code system alias"], schemaRejects: false),
        ["no override reasons"] = Tree(p => p["overrideReasons"]!["reasons"] = new JsonArray(), ["overrideReasons.reasons is empty"]),
        ["broken specimen regex"] = Tree(p => p["specimens"]![0]!["pattern"] = "(marrow", ["specimens[0].pattern is not a valid regular expression"], schemaRejects: false),
        ["specimens missing"] = Tree(p => p.Remove("specimens"), ["specimens is required"]),
        ["criterion reads a misspelt resource type"] = Tree(p => p["criteria"]![3]!["reads"] = new JsonArray("Observaton"), ["criteria[3].reads names 'Observaton', which is not a FHIR R4 resource type"], schemaRejects: false),
        ["broken lineage regex"] = Tree(p => p["lineages"]![0]!["pattern"] = "(CD3", ["lineages[0].pattern is not a valid regular expression"], schemaRejects: false),
        ["misspelt system alias"] = Tree(p => Include(p, "hct-allogeneic", 0)["system"] = "CPT", ["valueSets.hct-allogeneic.include[0].system 'CPT' is not a code system alias"], schemaRejects: false),
        ["misspelt service system alias"] = Tree(p => p["service"]!["codes"]![0]!["system"] = "cpt4", ["service.codes[0].system 'cpt4' is not a code system alias"], schemaRejects: false),
        ["tree: a child id that does not exist"] = Tree(p => Node(p, "I")["all"]!.AsArray().Add("I.D"), ["decision.tree[6] ('I') names child 'I.D', which decision.tree lacks"], schemaRejects: false),
        ["tree: a combinator that is not one"] = Tree(p => Rename(Node(p, "I"), "all", "most"), ["decision.tree[6].most is not a key"]),
        ["tree: two combinators in one node"] = Tree(p => Node(p, "I")["any"] = new JsonArray("I.A"), ["decision.tree[6] ('I') must give exactly one of all, any, not or evaluator"]),
        ["tree: an unknown evaluator"] = Tree(p => Node(p, "I.C")["evaluator"] = "dli.mixedChimerismus", ["decision.tree[3].evaluator 'dli.mixedChimerismus' is not an evaluator the service knows"], schemaRejects: false),
        ["tree: a module evaluator on another criterion"] = Tree(p => Node(p, "I.C")["evaluator"] = "dli.highRelapseRisk", ["decision.tree[3].evaluator 'dli.highRelapseRisk' decides criterion 'I.B' only, not 'I.C'"], schemaRejects: false),
        ["tree: a leaf before the transplant it reads"] = Tree(p => MoveToEnd(p, "HCT"), ["decision.tree[0].evaluator 'dli.relapsedOrRefractory' reads what 'dli.priorAllogeneicHct' finds"], schemaRejects: false),
        ["tree: a cycle"] = Tree(p => Node(p, "I")["all"]!.AsArray().Add("II"), ["decision.tree has a cycle: I → II → I-with-HCT → I"], schemaRejects: false),
        ["tree: a node defined twice"] = Tree(p => Node(p, "I-with-HCT")["id"] = "I", ["decision.tree[7].id 'I' is blank or defined twice"], schemaRejects: false),
        ["tree: a generic leaf without its value set"] = Tree(p => Node(p, "IV")["evaluator"] = "coded-record", ["decision.tree[5].resource '' must be one of Condition, Procedure, Observation", "decision.tree[5].valueSet '' names no value set under valueSets"], schemaRejects: false),
        ["tree: a module leaf with a threshold"] = Tree(p => Node(p, "I.C")["atLeast"] = 95, ["decision.tree[3] sets resource, valueSet, atLeast, below, unit or absent, which evaluator 'dli.mixedChimerism' does not take"], schemaRejects: false),
        ["tree: a leaf without a criterion text"] = Tree(p => RemoveWhere(p["criteria"]!.AsArray(), c => (string?)c!["id"] == "I.B"), ["criteria lacks criterion 'I.B' (a leaf of decision.tree)"], schemaRejects: false),
        ["tree: a criterion text no node has"] = Tree(p => p["criteria"]!.AsArray().Add(JsonNode.Parse("""{"id": "V", "reads": [], "label": "V", "text": "t", "met": "m", "notMet": "n"}""")), ["criteria[7] 'V' is not a node of decision.tree"], schemaRejects: false),
        ["tree: a reported combinator without its undecided text"] = Tree(p => p["criteria"]![4]!.AsObject().Remove("undecided"), ["criteria[4].undecided is required: 'II' is a combinator"], schemaRejects: false),
        ["criterion without reads"] = Tree(p => p["criteria"]![2]!.AsObject().Remove("reads"), ["criteria[2].reads is required"]),
        ["outcome rule naming an unknown criterion"] = Tree(p => p["decision"]!["outcomes"]![3]!["notMet"]!.AsArray().Add("V"), ["decision.outcomes[3].notMet names criterion 'V', which decision.tree lacks"], schemaRejects: false),
        ["outcome rule with an unknown outcome"] = Tree(p => p["decision"]!["outcomes"]![0]!["outcome"] = "denied", ["decision.outcomes[0].outcome 'denied' is not one of"]),
        ["outcome rule that always fires"] = Tree(p => p["decision"]!["outcomes"]![0]!.AsObject().Remove("met"), ["decision.outcomes[0] names no criterion in met or notMet"]),
        ["outcome rule deciding an unknown criterion"] = Tree(p => p["decision"]!["outcomes"]![1]!["deciding"] = "3", ["decision.outcomes[1].deciding names criterion '3', which decision.tree lacks"], schemaRejects: false),
        ["outcome reason with an unknown placeholder"] = Tree(p => p["decision"]!["outcomes"]![0]!["reason"] = "{label}: {sumary}", ["decision.outcomes[0].reason uses '{sumary}'"], schemaRejects: false),
        ["otherwise deciding an unknown criterion"] = Tree(p => p["decision"]!["otherwise"]!["deciding"] = "1", ["decision.otherwise.deciding names criterion '1', which decision.tree lacks"], schemaRejects: false),
        ["decision missing"] = Tree(p => p.Remove("decision"), ["decision is required"]),
        ["module missing"] = Tree(p => p.Remove("module"), ["module is required"]),
        ["unknown module"] = Tree(p => p["module"] = "dlii", ["module 'dlii' is not one of generic, dli"]),
        ["generic module with the DLI sections"] = Tree(p => p["module"] = "generic", ["thresholds is read only by module 'dli'", "decision.tree[0].evaluator 'dli.priorAllogeneicHct' belongs to module 'dli', not to module 'generic'", "documentation[1].satisfiedBy 'dli.indication' belongs to module 'dli'"]),
        ["documentation check unknown"] = Tree(p => p["documentation"]![0]!["satisfiedBy"] = "note", ["documentation[0].satisfiedBy 'note' is not a documentation check the service knows"], schemaRejects: false),
        ["documentation check missing"] = Tree(p => p["documentation"]![0]!.AsObject().Remove("satisfiedBy"), ["documentation[0].satisfiedBy is required"]),
        ["thresholds missing"] = Tree(p => p.Remove("thresholds"), ["thresholds is required"]),
        ["criterion IV deleted"] = Tree(p => RemoveWhere(p["criteria"]!.AsArray(), c => (string?)c!["id"] == "IV"), ["criteria lacks criterion 'IV'"], schemaRejects: false),
        ["bad effective date"] = Tree(p => p["effective"] = "2024-13-01", ["effective '2024-13-01' is not a date"], schemaRejects: false),
        ["lexicon missing"] = Tree(p => p.Remove("textContext"), ["textContext is required"]),
        ["lexicon: unknown category"] = Tree(p => Trigger(p, 0)["category"] = "negative", ["textContext.triggers[0].category 'negative' is not one of"]),
        ["lexicon: unknown direction"] = Tree(p => Trigger(p, 1)["direction"] = "sideways", ["textContext.triggers[1].direction 'sideways' is not one of"]),
        ["lexicon: broken term"] = Tree(p => Trigger(p, 2)["term"] = "non-(", ["textContext.triggers[2].term is not a valid regular expression"], schemaRejects: false),
        ["lexicon: blank term"] = Tree(p => Trigger(p, 2)["term"] = "", ["textContext.triggers[2].term is blank"]),
        ["lexicon: term with a named group"] = Tree(p => Trigger(p, 2)["term"] = "(?<c0>no)", ["textContext.triggers[2].term must not name a group"], schemaRejects: false),
        ["lexicon: precedence lacks a category"] = Tree(p => Object(p, "textContext")["precedence"]!.AsArray().RemoveAt(4), ["textContext.precedence must list each of"]),
        ["lexicon: no terminations"] = Tree(p => Object(p, "textContext").Remove("terminations"), ["textContext.terminations is required"]),
        ["lexicon: no soft boundaries"] = Tree(p => Object(p, "textContext").Remove("softBoundaries"), ["textContext.softBoundaries is required"]),
        ["lexicon: empty terminations"] = Tree(p => Object(p, "textContext")["terminations"] = new JsonArray(), ["textContext.terminations is empty"]),
        ["lexicon: window of zero words"] = Tree(p => Object(p, "textContext")["windowWords"] = 0, ["textContext.windowWords must be between 1 and 30"]),
        ["lexicon: answer category"] = Tree(p => p["textContext"]!["answers"]![0]!["category"] = "no", ["textContext.answers[0].category 'no' is not one of"]),
        ["conditioning: default definition misspelt"] = Tree(p => Object(p, "conditioning")["defaultDefinition"] = "bacigalupo", ["conditioning.defaultDefinition 'bacigalupo' names a definition that conditioning.definitions lacks"], schemaRejects: false),
        ["conditioning: switch missing"] = Tree(p => Object(p, "conditioning").Remove("countInVivoDepletionAsTCellDepleted"), ["conditioning.countInVivoDepletionAsTCellDepleted is required"]),
        ["conditioning: threshold names an unknown agent"] = Tree(p => Threshold(p, 4)["agent"] = "melfalan", ["conditioning.definitions.bacigalupo-2009.myeloablative[4].agent names agent 'melfalan', which conditioning.agents lacks"], schemaRejects: false),
        ["conditioning: threshold with two bounds"] = Tree(p => Threshold(p, 4)["atLeast"] = 140, ["conditioning.definitions.bacigalupo-2009.myeloablative[4] must give exactly one of atLeast or above"]),
        ["conditioning: threshold without a bound"] = Tree(p => Threshold(p, 4).Remove("above"), ["conditioning.definitions.bacigalupo-2009.myeloablative[4] must give exactly one of atLeast or above"]),
        ["conditioning: threshold of zero"] = Tree(p => Threshold(p, 2)["above"] = 0, ["conditioning.definitions.bacigalupo-2009.myeloablative[2] has a bound that is not above 0"]),
        ["conditioning: threshold in the wrong unit"] = Tree(p => Threshold(p, 4)["unit"] = "mg/kg", ["conditioning.definitions.bacigalupo-2009.myeloablative[4].unit 'mg/kg' is not the unit of agent 'melphalan' (mg/m2)"], schemaRejects: false),
        ["conditioning: threshold route unknown"] = Tree(p => Threshold(p, 2)["route"] = "PO", ["conditioning.definitions.bacigalupo-2009.myeloablative[2].route 'PO' is not a route under conditioning.routes"], schemaRejects: false),
        ["conditioning: named regimen with an unknown agent"] = Tree(p => Object(p, "conditioning", "definitions", "cibmtr")["reducedIntensity"]![0]!["agents"]![1] = "mel", ["conditioning.definitions.cibmtr.reducedIntensity[0].agents[1] names agent 'mel', which conditioning.agents lacks"], schemaRejects: false),
        ["conditioning: agent with a broken pattern"] = Tree(p => p["conditioning"]!["agents"]![0]!["pattern"] = "(fludarabine", ["conditioning.agents[0].pattern is not a valid regular expression"], schemaRejects: false),
        ["conditioning: agent defined twice"] = Tree(p => p["conditioning"]!["agents"]![1]!["id"] = "fludarabine", ["conditioning.agents[1].id 'fludarabine' is blank or defined twice"], schemaRejects: false),
        ["conditioning: agent code system unknown"] = Tree(p => p["conditioning"]!["agents"]![0]!["codes"]![0]!["system"] = "rxcui", ["conditioning.agents[0].codes[0].system 'rxcui' is not a code system alias"], schemaRejects: false),
        ["conditioning: radiation in mg"] = Tree(p => p["conditioning"]!["agents"]![7]!["unit"] = "mg", ["conditioning.agents[7].unit 'mg' is not one of"], schemaRejects: false),
        ["conditioning: dose window of zero"] = Tree(p => Object(p, "conditioning")["doseWindowDaysBeforeHct"] = 0, ["conditioning.doseWindowDaysBeforeHct must be between 1 and 60 days"]),
        ["conditioning: no body weight codes"] = Tree(p => Object(p, "conditioning")["bodyWeight"] = new JsonArray(), ["conditioning.bodyWeight is empty"]),
        ["conditioning: section missing"] = Tree(p => p.Remove("conditioning"), ["conditioning is required"]),
        // The revision keys (recorded on every decision).
        ["version missing"] = Tree(p => p.Remove("version"), ["version is required"]),
        ["version blank"] = Tree(p => p["version"] = " ", ["version ' ' must be 1 to 40 characters of text"], schemaRejects: false),
        ["next review not a date"] = Tree(p => p["nextReview"] = "August 2025", ["nextReview 'August 2025' is not a month (yyyy-MM) or a date (yyyy-MM-dd)"]),
        ["next review month out of range"] = Tree(p => p["nextReview"] = "2025-13", ["nextReview '2025-13' is not a month (yyyy-MM) or a date (yyyy-MM-dd)"], schemaRejects: false),
        ["service short name blank"] = Tree(p => p["service"]!["shortName"] = "", ["service.shortName is blank"]),
        ["lexicon: no family trigger"] = Tree(p => RemoveWhere(Object(p, "textContext")["triggers"]!.AsArray(), t => (string?)t!["category"] == "family"), ["textContext.triggers has no 'family' trigger"], schemaRejects: false),
    };

    private static Mutation Tree(Action<JsonObject> change, string[] named, bool schemaRejects = true) =>
        new(text =>
        {
            var tree = ShippedPolicyFile.Tree();
            change(tree);
            return tree.ToJsonString();
        }, named, schemaRejects);

    private static Mutation Text(Func<string, string> change, string[] named, bool schemaRejects) => new(change, named, schemaRejects);

    private static JsonObject Object(JsonObject root, params string[] path) =>
        path.Aggregate((JsonNode)root, (node, key) => node[key]!).AsObject();

    private static JsonObject Include(JsonObject root, string valueSet, int index) =>
        Object(root, "valueSets", valueSet)["include"]![index]!.AsObject();

    private static JsonObject Threshold(JsonObject root, int index) =>
        Object(root, "conditioning", "definitions", "bacigalupo-2009")["myeloablative"]![index]!.AsObject();

    private static JsonObject Node(JsonObject root, string id) =>
        root["decision"]!["tree"]!.AsArray().Single(n => (string?)n!["id"] == id)!.AsObject();

    private static void MoveToEnd(JsonObject root, string id)
    {
        var tree = root["decision"]!["tree"]!.AsArray();
        var node = tree.Single(n => (string?)n!["id"] == id);
        tree.Remove(node);
        tree.Add(node);
    }

    private static JsonObject Trigger(JsonObject root, int index) => Object(root, "textContext")["triggers"]![index]!.AsObject();

    private static void Rename(JsonObject parent, string from, string to)
    {
        var value = parent[from];
        parent.Remove(from);
        parent[to] = value;
    }

    private static void RemoveWhere(JsonArray array, Func<JsonNode?, bool> predicate)
    {
        foreach (var item in array.Where(predicate).ToList())
        {
            array.Remove(item);
        }
    }
}
