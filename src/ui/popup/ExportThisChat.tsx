// The popup's capture entry points for the current tab: when its content script answers (a
// supported chat site), "Export this chat" starts the capture there, as the page's button does,
// and "Check this chat" shows the adapter's probe as a report a user can paste into a bug report
// (counts and anchor names only, never chat content). Sites not yet checked against the live site
// are labelled experimental.
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { ChatProbeReport, TabCaptureStatus } from '../../messaging/protocol';
import { activeTabId, callTab } from '../../messaging/tab-client';
import { Notice, Step } from '../components';
import { errorText } from '../errors';
import { formatNumber, t } from '../i18n';

export function ExportThisChat() {
  const [tab, setTab] = useState<{ id: number; status: TabCaptureStatus } | null>(null);
  const [report, setReport] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    let live = true;
    void (async () => {
      const id = await activeTabId();
      if (id === null) return;
      // No answer means this tab is not a chat ChatSeal supports: show nothing.
      const status = await callTab(id, 'capture.status', {}).catch(() => null);
      if (live && status) setTab({ id, status });
    })();
    return () => {
      live = false;
    };
  }, []);

  if (!tab) return null;
  const { status } = tab;

  async function start() {
    setProblem(null);
    try {
      const result = await callTab(tab!.id, 'capture.start', {});
      // Started (the page shows its progress), or no key: the page opened the options page.
      if (result.ok || result.reason === 'no-key') window.close();
      else setProblem(result.reason === 'busy' ? t('popupChatBusy') : t('popupChatOpenFirst'));
    } catch (e) {
      setProblem(errorText(e));
    }
  }

  async function check() {
    setProblem(null);
    setCopied(false);
    try {
      const probe = await callTab(tab!.id, 'capture.probe', {});
      setReport(formatProbeReport(probe, browser.runtime.getManifest().version));
    } catch (e) {
      setProblem(errorText(e));
    }
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(report ?? '');
      setCopied(true);
    } catch {
      setProblem(t('popupCheckCopyFailed'));
    }
  }

  return (
    <Step heading={siteLabel(status)} class="popup-chat">
      {!status.chatOpen && <p>{t('popupChatOpenFirst')}</p>}
      {status.capturing && <p role="status">{t('popupChatCapturing')}</p>}
      <div class="actions">
        <button type="button" class="primary" disabled={!status.chatOpen || status.capturing} onClick={() => void start()}>
          {t('popupExportThisChat')}
        </button>
        <button type="button" onClick={() => void check()}>
          {t('popupCheckThisChat')}
        </button>
      </div>
      {problem && <Notice kind="error">{problem}</Notice>}
      {report !== null && (
        <div class="popup-check">
          <label for="chat-check-report">{t('popupCheckReportLabel')}</label>
          <textarea id="chat-check-report" readOnly rows={10} value={report} />
          <div class="actions">
            <button type="button" onClick={() => void copy()}>
              {t('copy')}
            </button>
          </div>
          {copied && <p role="status">{t('popupCheckCopied')}</p>}
        </div>
      )}
    </Step>
  );
}

function siteLabel(s: { siteName: string; experimental: boolean }): string {
  return s.experimental ? t('popupChatSiteExperimental', s.siteName) : s.siteName;
}

/** The "Check this chat" report as plain text: what a user pastes into a bug report. */
export function formatProbeReport(p: ChatProbeReport, appVersion: string): string {
  const n = formatNumber;
  const anchor = (a: ChatProbeReport['anchors'][number]) => {
    const place = [n(a.form + 1), n(a.forms)];
    const state =
      a.form < 0
        ? a.required
          ? t('checkAnchorMissingRequired')
          : t('checkAnchorMissing')
        : a.form === 0
          ? t('checkAnchorFound', place)
          : t('checkAnchorFoundOlder', place);
    return `  ${a.name}: ${state}`;
  };
  return [
    t('checkReportTitle', appVersion),
    siteLabel(p),
    p.chatOpen ? t('checkChatOpen') : t('checkChatNotOpen'),
    t('checkAnchors'),
    ...p.anchors.map(anchor),
    t('checkRows', [n(p.rows.mounted), n(p.rows.messages), n(p.rows.days), n(p.rows.skipped), n(p.rows.pending), n(p.rows.broken)]),
    t('checkTimestamps', [n(p.timestamps.resolved), n(p.timestamps.unresolved)]),
  ].join('\n');
}
