import { session } from '../api/session';
import { changeSettings, settings } from '../lib/settings';
import { useStore } from '../lib/store';
import { player } from '../player/state';

export function SettingsPage() {
  const current = useStore(settings);
  const me = useStore(session);
  const { gainDb, quality } = useStore(player);
  return (
    <div class="settings-page">
      <h1 class="page-title">Settings</h1>
      <section class="settings-group">
        <h2>Playback</h2>
        <label class="setting">
          <span class="setting-text">
            <span class="setting-name">Normalize volume</span>
            <span class="setting-hint">
              Play every track at the same loudness (−14 LUFS) using the level measured when it was uploaded.
              {current.normalize && quality && ` Now applying ${gainDb > 0 ? '+' : ''}${gainDb.toFixed(1)} dB.`}
            </span>
          </span>
          <input
            type="checkbox"
            class="switch"
            data-testid="settings-normalize"
            checked={current.normalize}
            onChange={(event) => changeSettings({ normalize: event.currentTarget.checked })}
          />
        </label>
      </section>
      {me && (
        <section class="settings-group">
          <h2>Account</h2>
          <dl class="account">
            <dt>Name</dt>
            <dd>{me.user.displayName}</dd>
            <dt>Email</dt>
            <dd>{me.user.email}</dd>
            <dt>Account type</dt>
            <dd class="capitalize">{me.user.role}</dd>
          </dl>
        </section>
      )}
      <section class="settings-group">
        <h2>Keyboard</h2>
        <dl class="account">
          <dt>
            <kbd>Space</kbd>
          </dt>
          <dd>Play / pause</dd>
          <dt>
            <kbd>←</kbd> <kbd>→</kbd>
          </dt>
          <dd>Back / forward 5 seconds</dd>
        </dl>
      </section>
    </div>
  );
}
