using Hl7.Fhir.Model;
using ValueSet = Cds.FhirMapping.Policy.ValueSet;
using static Cds.FhirMapping.Fhir.Readers.RecordText;

namespace Cds.FhirMapping.Fhir;

/// <summary>Which draft orders a policy governs: a request to perform its service, not revoked, in error or done.</summary>
internal static class PolicyOrders
{
    /// <summary>
    /// False when the order's JSON shows it is no request for the service (another type, or codes that are all another
    /// service's); true when it may be, and <see cref="Governs"/> reads its Firely resource to decide.
    /// </summary>
    public static bool MayGovern(ValueSet service, DraftOrder order)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(order);
        return order.ResourceType == "ServiceRequest" && (order.Codings is not { } codings || codings.Any(c => service.Contains(c.System, c.Code)));
    }

    public static bool Governs(ValueSet service, DraftOrder order)
    {
        if (!MayGovern(service, order))
        {
            return false;
        }

        if (order.Resource is not ServiceRequest request || !Codings(request.Code).Any(c => service.Contains(c.System, c.Code)))
        {
            return false;
        }

        try
        {
            return request.DoNotPerform != true
                && request.Status is not (RequestStatus.Revoked or RequestStatus.EnteredInError or RequestStatus.Completed);
        }
        catch (Exception e) when (FactExtractor.WronglyTyped(e))
        {
            // An order whose status cannot be read is still decided (its gap makes the answer conditional).
            return true;
        }
    }
}
