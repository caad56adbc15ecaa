namespace EdgeHa.Collector;

/// <summary>
/// Shows the newest published values (the Modbus gateway, read by SCADA through the VIP). Updated as each sample is
/// published, under the publish lock, so it must not block; never waited for and not part of what "published" means:
/// a reader sees the latest values, there is nothing to replay. A view answers only while the role is active.
/// </summary>
public interface ISampleView
{
    void Show(Sample sample);
}
